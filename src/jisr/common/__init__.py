"""Shared base model, errors, digit normalisation and small types."""
