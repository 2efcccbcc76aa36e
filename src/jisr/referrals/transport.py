"""HTTP delivery of sealed envelopes to a partner's inbox (stdlib urllib: one POST, no new dependency).

The body is the envelope exactly as sealed (`application/vnd.jisr.envelope`); the partner answers 202
with `{"status": "accepted"}` or 4xx with `{"error": "<code>"}` (envelope.EnvelopeError codes). Only
https URLs are accepted, except loopback addresses (development and the two-instance tests).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

CONTENT_TYPE = "application/vnd.jisr.envelope"
TIMEOUT_SECONDS = 10


def post_envelope(url: str, blob: bytes) -> tuple[bool, str]:
    """(delivered, error code). Never raises for network trouble: the caller retries later."""
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost", "http://[::1]")):
        return False, "url_refused"
    request = urllib.request.Request(  # noqa: S310 — scheme checked above
        url, data=blob, method="POST", headers={"Content-Type": CONTENT_TYPE, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return 200 <= response.status < 300, ""
    except urllib.error.HTTPError as exc:
        try:
            code = str(json.loads(exc.read().decode("utf-8") or "{}").get("error", f"http_{exc.code}"))
        except (ValueError, UnicodeDecodeError, AttributeError):
            code = f"http_{exc.code}"
        return False, code[:64]
    except (urllib.error.URLError, TimeoutError, OSError):
        return False, "unreachable"
