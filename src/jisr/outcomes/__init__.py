"""Recovery outcomes: validated wellbeing and symptom instruments measured over time.

``jisr.outcomes.instruments`` holds the pure scoring of WHO-5, PHQ-9, GAD-7 and PCL-5 (plain
Python, no Django import) and the ``jisr score`` command line. Measurements per survivor,
trajectories and the PHQ-9 item-9 safety alert build on it elsewhere in this app.
"""
