"""The OpenAPI schema served at /api/schema/: drf-spectacular's, plus the error responses every
operation can give (found missing by the schemathesis fuzz test, tests/security/test_api_fuzz.py).

Errors are `{"detail": "<message>"}` (jisr.api.errors), except 400 from a serializer, which maps each
field to its messages. Authentication is required everywhere (401/403); anything out of the user's
scope is 404; writes may conflict (409); duplicate checks and searches are rate-limited (429).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "`detail`, or each invalid field with its messages",
    "additionalProperties": {},
}
ERRORS = {
    "400": ("The request is invalid; nothing was written.", "ValidationError"),
    "401": ("Not signed in.", "Error"),
    "403": ("Not allowed for this account.", "Error"),
    "404": ("No such record, or not visible to this account.", "Error"),
    "409": ("The record's state does not allow this (or it changed meanwhile).", "Error"),
    "429": ("Too many requests; try again later.", "Error"),
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add the error responses to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", DETAIL)
    schemas.setdefault("ValidationError", VALIDATION)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, (description, component) in ERRORS.items():
                if code == "409" and method == "get":
                    continue
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result


SCHEMA_SETTINGS = {
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "jisr.api.schema.document_errors"],
}


def api_schema() -> dict[str, Any]:
    """The schema as /api/schema/ serves it (for tests and tools)."""
    with patched_settings(SCHEMA_SETTINGS):
        return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]
