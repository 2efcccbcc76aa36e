"""Jisr (جسر, "bridge"): case management for the identification, protection and recovery of survivors
of trafficking and sexual exploitation, and for the partnerships that serve them across borders."""

__version__ = "0.1.0"
