"""The case: TRM stage, status, risk, assignment, notes, timeline, closure."""
