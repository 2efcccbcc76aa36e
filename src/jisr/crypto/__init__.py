"""Protection of identity at rest: envelope encryption, blind indexes and name normalisation.

Pure modules (no Django): `normalise`, `envelope`, `blind_index`. Thin Django layer: `models`, `services`.
"""
