"""Request parsing and paging limits for the API."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, but a document nested deeply enough to exhaust Python's recursion limit is
    a 400, not a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON nested too deeply") from exc


class Pagination(LimitOffsetPagination):
    """At most 200 rows per page: one request cannot dump every visible record."""

    default_limit = 50
    max_limit = 200
