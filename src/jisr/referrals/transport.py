"""HTTP delivery of sealed envelopes to a partner's inbox (stdlib urllib: one POST, no new dependency).

The body is the envelope exactly as sealed (`application/vnd.jisr.envelope`); the partner answers 202
with `{"status": "accepted"}` or 4xx with `{"error": "<code>"}` (envelope.EnvelopeError codes). Only
https URLs are accepted, except loopback addresses (development and the two-instance tests).

A failed delivery says whether the partner may hold the envelope all the same (`may_have_arrived`): only
when it was sent in full and no answer came back (``no_answer``: a timeout, a dropped connection, an
unreadable answer) or a server failed (``http_5xx``: a proxy may time out after its upstream stored it).
A request that never left in full (``unreachable``, ``url_refused``) or that the partner refused (4xx; its
inbox stores nothing then) did not arrive.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

CONTENT_TYPE = "application/vnd.jisr.envelope"
TIMEOUT_SECONDS = 10
NO_ANSWER = "no_answer"


def may_have_arrived(error: str) -> bool:
    """Whether a delivery that failed with `error` (as `post_envelope` returns it) may still have left
    the envelope with the partner (see the module's docstring)."""
    return error == NO_ANSWER or error.startswith("http_5")


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
        if exc.code >= 500:  # a server failure, not a refusal: whatever its body says
            return False, f"http_{exc.code}"
        try:
            code = str(json.loads(exc.read().decode("utf-8") or "{}").get("error", f"http_{exc.code}"))
        except (ValueError, UnicodeDecodeError, AttributeError):
            code = f"http_{exc.code}"
        return False, code[:64]
    except urllib.error.URLError:
        # urllib raises it while sending the request (connecting included): it never left in full.
        return False, "unreachable"
    except (TimeoutError, OSError, http.client.HTTPException):
        # Sent in full, then no (readable) answer: the partner may have stored it.
        return False, NO_ANSWER
