"""Organisations, teams, users, memberships and roles."""
