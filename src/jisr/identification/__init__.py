"""Identification: the pure screening engine (``engine/``), its rule sets (``rulesets/``) and screenings."""
