"""REST API under /api/v1/ with the same scoping as the screens."""
