"""PCL-5, the PTSD Checklist for DSM-5.

Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD Checklist for DSM-5
(PCL-5). US Department of Veterans Affairs, National Center for PTSD, 2013 (public domain).
Cut-off evidence: Bovin MJ et al., Psychol Assess 2016;28(11):1379-1391; psychometrics: Blevins CA
et al., J Trauma Stress 2015;28(6):489-498. Facts and confidence tags:
``shared/reference/identification.md`` §4.5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jisr.outcomes.instruments.core import (
    ChangeResult,
    ChangeRule,
    InstrumentSpec,
    ItemValue,
    JsonDict,
    ScoreResult,
    check_cutoff,
    check_items,
    compute_change,
)

SPEC = InstrumentSpec(
    code="pcl-5",
    name="PTSD Checklist for DSM-5",
    item_prefix="pcl5",
    item_count=20,
    item_min=0,  # not at all
    item_max=4,  # extremely
    higher_is_better=False,
    time_frame="past month",
    source="Weathers et al., PTSD Checklist for DSM-5, National Center for PTSD 2013",
)

#: DSM-5 symptom clusters as 1-based item numbers [A].
CLUSTERS: Mapping[str, range] = {
    "B": range(1, 6),  # intrusion
    "C": range(6, 8),  # avoidance
    "D": range(8, 15),  # negative alterations in cognitions and mood
    "E": range(15, 21),  # alterations in arousal and reactivity
}
#: An item counts as an endorsed symptom when rated 2 ("moderately") or higher [A].
ENDORSED_AT_LEAST = 2
#: DSM-5 provisional diagnosis: at least 1 B, 1 C, 2 D and 2 E endorsed items [A].
DIAGNOSIS_MINIMUM: Mapping[str, int] = {"B": 1, "C": 1, "D": 2, "E": 2}
#: Current evidence supports a probable-PTSD total between 31 and 33; default 33, configurable [A].
DEFAULT_CUTOFF = 33
#: Change of 5 points = reliable change; 10 points = clinically meaningful [B], configurable.
RELIABLE_CHANGE = 5
MEANINGFUL_CHANGE = 10


@dataclass(frozen=True, kw_only=True)
class Pcl5Result(ScoreResult):
    """PCL-5 result. Severity (total) and provisional diagnosis are separate results, never merged.

    ``clusters``/``endorsed`` map ``"B"``, ``"C"``, ``"D"``, ``"E"`` to the cluster severity
    (sum) and the number of endorsed items; all scores ``None`` unless COMPLETE.
    """

    total: int | None
    clusters: Mapping[str, int] | None
    endorsed: Mapping[str, int] | None
    provisional_diagnosis: bool | None
    cutoff: int
    above_cutoff: bool | None

    def scores(self) -> JsonDict:
        return {
            "total": self.total,
            "clusters": None if self.clusters is None else dict(self.clusters),
            "endorsed": None if self.endorsed is None else dict(self.endorsed),
            "provisional_diagnosis": self.provisional_diagnosis,
            "cutoff": self.cutoff,
            "above_cutoff": self.above_cutoff,
        }


def score_pcl5(items: Sequence[ItemValue], *, cutoff: int = DEFAULT_CUTOFF) -> Pcl5Result:
    """Score the PCL-5.

    - Items: 20 (``pcl5_1`` … ``pcl5_20``), each 0-4 (0 not at all, 1 a little bit,
      2 moderately, 3 quite a bit, 4 extremely); ``None`` = missing answer.
    - Total severity = sum, 0-80; cluster severity = sum within B (items 1-5), C (6-7),
      D (8-14), E (15-20).
    - ``endorsed``: items rated 2 or higher per cluster. ``provisional_diagnosis`` (DSM-5 rule):
      at least 1 B, 1 C, 2 D and 2 E endorsed items — independent of the total.
    - ``above_cutoff``: total >= ``cutoff`` (probable PTSD). Default 33 (evidence supports
      31-33; an early 38 was superseded); configurable within 0-80, else ``ValueError``. The
      cut-off used is recorded in the result.
    - A missing answer is never scored as zero: ``INCOMPLETE`` with no scores; out-of-range or
      wrong count: ``VALIDATION_ERROR``.
    - Source: Weathers et al., PCL-5, National Center for PTSD 2013; cut-off Bovin et al.,
      Psychol Assess 2016;28(11):1379-1391.
    """
    check_cutoff(SPEC, cutoff)
    check = check_items(SPEC, items)
    if check.values is None:
        return Pcl5Result(
            instrument=SPEC.code,
            status=check.status,
            missing=check.missing,
            errors=check.errors,
            total=None,
            clusters=None,
            endorsed=None,
            provisional_diagnosis=None,
            cutoff=cutoff,
            above_cutoff=None,
        )
    values = check.values
    clusters = {name: sum(values[n - 1] for n in items_) for name, items_ in CLUSTERS.items()}
    endorsed = {
        name: sum(1 for n in items_ if values[n - 1] >= ENDORSED_AT_LEAST)
        for name, items_ in CLUSTERS.items()
    }
    total = sum(values)
    return Pcl5Result(
        instrument=SPEC.code,
        status=check.status,
        missing=check.missing,
        errors=check.errors,
        total=total,
        clusters=clusters,
        endorsed=endorsed,
        provisional_diagnosis=all(endorsed[c] >= m for c, m in DIAGNOSIS_MINIMUM.items()),
        cutoff=cutoff,
        above_cutoff=total >= cutoff,
    )


def pcl5_change(
    baseline: int | None,
    follow_up: int | None,
    *,
    reliable: int = RELIABLE_CHANGE,
    meaningful: int = MEANINGFUL_CHANGE,
) -> ChangeResult:
    """Change in PCL-5 total (0-80) from ``baseline`` to ``follow_up``; lower is better.

    ``significant`` (reliable change) when the absolute change is at least ``reliable``
    (default 5); ``clinically_meaningful`` at least ``meaningful`` (default 10). Thresholds are
    configurable because sources differ (5-10 / 10-20); ``ValueError`` unless
    ``1 <= reliable <= meaningful``.
    """
    if not 1 <= reliable <= meaningful:
        raise ValueError(f"need 1 <= reliable <= meaningful, got {reliable} and {meaningful}")
    rule = ChangeRule(
        scale="total 0-80",
        score_min=SPEC.total_min,
        score_max=SPEC.total_max,
        step=1,
        higher_is_better=False,
        significant_at=reliable,
        meaningful_at=meaningful,
    )
    return compute_change(SPEC.code, rule, baseline, follow_up)
