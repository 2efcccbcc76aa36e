"""What is missing inside an ILO/EC dimension that is not met, for the result page.

The engine's result carries, per dimension, the counts of distinct strong, medium and weak signs it
counted (``dimensions``); its ``missing`` names the groups of dimensions of which none is met. From the
counts and the engine's own dimension rule (``engine.dimension_positive``, never a copy of it) this
module works out the smallest sets of further signs that would meet a dimension: with one medium sign
observed, "1 strong sign", "2 medium signs" or "1 medium sign and 1 weak sign". Where the indicator
set of the result is known, a kind of sign the dimension has no more of is not proposed (adult
dimension 6 has no strong sign). Nothing here changes or re-runs the engine's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jisr.identification import engine

WEIGHTS = ("strong", "medium", "weak")
#: The most further signs of one kind worth proposing: the dimension rule never needs more than three.
_MOST = 3

Additions = tuple[int, int, int]


def smallest_additions(counts: Mapping[str, int], available: Mapping[str, int] | None = None) -> list[Additions]:
    """The minimal (strong, medium, weak) additions that make a dimension with ``counts`` positive.

    Minimal: no other proposal needs fewer of every kind. ``available`` (signs of each kind the
    indicator set still has unobserved in this dimension) bounds each kind when known. Ordered by the
    number of signs, strong first; ``[]`` when the dimension cannot be met with what is left."""
    have = tuple(int(counts.get(w, 0)) for w in WEIGHTS)
    bound = tuple(min(_MOST, available[w]) if available is not None else _MOST for w in WEIGHTS)
    found: list[Additions] = []
    for s in range(bound[0] + 1):
        for m in range(bound[1] + 1):
            for w in range(bound[2] + 1):
                if (s, m, w) != (0, 0, 0) and engine.dimension_positive(have[0] + s, have[1] + m, have[2] + w):
                    found.append((s, m, w))
    minimal = [a for a in found if not any(b != a and all(x <= y for x, y in zip(b, a, strict=True)) for b in found)]
    return sorted(minimal, key=lambda a: (sum(a), -a[0], -a[1]))


def available_signs(ruleset_id: str, ruleset_version: str, profile: str | None,
                    counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]] | None:
    """Per dimension, how many signs of each kind the result's indicator set has that were not counted;
    None when the set cannot be known (no profile, or the rule set has changed version since)."""
    if not profile:
        return None
    try:
        ruleset = engine.load_ruleset(ruleset_id)
    except ValueError:
        return None
    if not isinstance(ruleset, engine.IloRuleSet) or ruleset.version != ruleset_version:
        return None
    indicator_set = ruleset.indicator_sets.get(profile)
    if indicator_set is None or not indicator_set.available:
        return None
    key = {"S": "strong", "M": "medium", "W": "weak"}
    out: dict[str, dict[str, int]] = {}
    for indicator in indicator_set.indicators:
        dim = indicator.code.split(".", 1)[0]
        per_dim = out.setdefault(dim, dict.fromkeys(WEIGHTS, 0))
        per_dim[key[indicator.weight]] += 1
    for dim, per_dim in out.items():
        for weight in WEIGHTS:
            per_dim[weight] = max(0, per_dim[weight] - int(counts.get(dim, {}).get(weight, 0)))
    return out


def counts_text(counts: Mapping[str, Any]) -> list[str]:
    """``["strong: 0", "medium: 1", "weak: 0"]``, translated (one piece per kind, so a line can wrap)."""
    return [
        _("strong: %(n)s") % {"n": counts.get("strong", 0)},
        _("medium: %(n)s") % {"n": counts.get("medium", 0)},
        _("weak: %(n)s") % {"n": counts.get("weak", 0)},
    ]


def additions_text(additions: Additions) -> str:
    """(1, 0, 1) → "1 strong sign and 1 weak sign", translated."""
    words = []
    for n, weight in zip(additions, WEIGHTS, strict=True):
        if not n:
            continue
        if weight == "strong":
            words.append(ngettext("%(n)s strong sign", "%(n)s strong signs", n) % {"n": n})
        elif weight == "medium":
            words.append(ngettext("%(n)s medium sign", "%(n)s medium signs", n) % {"n": n})
        else:
            words.append(ngettext("%(n)s weak sign", "%(n)s weak signs", n) % {"n": n})
    text = words[0] if words else ""
    for word in words[1:]:
        text = _("%(first)s and %(second)s") % {"first": text, "second": word}
    return text
