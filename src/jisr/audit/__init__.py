"""Append-only, hash-chained audit events: every write and every read of survivor records."""
