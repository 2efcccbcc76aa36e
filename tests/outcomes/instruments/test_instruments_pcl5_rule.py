"""PCL-5 cluster structure, endorsement (rated 2 or higher) and the DSM-5 provisional diagnosis."""

from __future__ import annotations

import pytest
from instrument_helpers import pcl5_items

from jisr.outcomes.instruments import score_pcl5
from jisr.outcomes.instruments.pcl5 import CLUSTERS

MINIMAL_DX = pcl5_items(b=[2, 0, 0, 0, 0], c=[2, 0], d=[2, 2, 0, 0, 0, 0, 0], e=[2, 2, 0, 0, 0, 0])


def test_clusters_partition_the_20_items_in_dsm5_order() -> None:
    assert {k: list(v) for k, v in CLUSTERS.items()} == {
        "B": [1, 2, 3, 4, 5],
        "C": [6, 7],
        "D": [8, 9, 10, 11, 12, 13, 14],
        "E": [15, 16, 17, 18, 19, 20],
    }


@pytest.mark.parametrize("position", range(20))
def test_each_item_counts_in_exactly_its_cluster(position: int) -> None:
    items: list[int | None] = [0] * 20
    items[position] = 3
    result = score_pcl5(items)
    cluster = next(k for k, v in CLUSTERS.items() if position + 1 in v)
    assert result.clusters == {k: 3 if k == cluster else 0 for k in "BCDE"}
    assert result.endorsed == {k: 1 if k == cluster else 0 for k in "BCDE"}
    assert result.total == 3


@pytest.mark.parametrize(("rating", "endorsed"), [(0, 0), (1, 0), (2, 1), (3, 1), (4, 1)])
def test_an_item_is_endorsed_when_rated_2_or_higher(rating: int, endorsed: int) -> None:
    result = score_pcl5([rating] + [0] * 19)
    assert result.endorsed is not None and result.endorsed["B"] == endorsed


def test_minimal_pattern_1_1_2_2_gives_provisional_diagnosis() -> None:
    result = score_pcl5(MINIMAL_DX)
    assert result.endorsed == {"B": 1, "C": 1, "D": 2, "E": 2}
    assert result.provisional_diagnosis is True


@pytest.mark.parametrize(
    ("position", "cluster"),
    [(0, "B"), (5, "C"), (7, "D"), (14, "E")],
    ids=["no-B", "no-C", "only-1-D", "only-1-E"],
)
def test_one_endorsement_short_in_any_cluster_gives_no_diagnosis(position: int, cluster: str) -> None:
    items = list(MINIMAL_DX)
    items[position] = 1  # 1 is "a little bit": not endorsed
    result = score_pcl5(items)
    assert result.endorsed is not None
    assert result.endorsed[cluster] == {"B": 0, "C": 0, "D": 1, "E": 1}[cluster]
    assert result.provisional_diagnosis is False


def test_high_total_without_diagnosis_and_diagnosis_without_high_total_are_kept_apart() -> None:
    # Everything "extremely" except avoidance: total 72, above any cut-off, but no diagnosis.
    no_c = score_pcl5(pcl5_items(b=[4] * 5, c=[0, 0], d=[4] * 7, e=[4] * 6))
    assert (no_c.total, no_c.above_cutoff, no_c.provisional_diagnosis) == (72, True, False)
    low = score_pcl5(MINIMAL_DX)
    assert (low.total, low.above_cutoff, low.provisional_diagnosis) == (12, False, True)


def test_json_shape_of_a_complete_result() -> None:
    assert score_pcl5(MINIMAL_DX).as_dict() == {
        "instrument": "pcl-5",
        "status": "COMPLETE",
        "total": 12,
        "clusters": {"B": 2, "C": 2, "D": 4, "E": 4},
        "endorsed": {"B": 1, "C": 1, "D": 2, "E": 2},
        "provisional_diagnosis": True,
        "cutoff": 33,
        "above_cutoff": False,
        "missing": [],
        "errors": [],
    }


def test_incomplete_pcl5_keeps_the_cutoff_but_no_scores() -> None:
    doc = score_pcl5([4] * 19 + [None], cutoff=31).as_dict()
    assert doc["status"] == "INCOMPLETE"
    assert doc["cutoff"] == 31
    assert (doc["total"], doc["clusters"], doc["endorsed"]) == (None, None, None)
    assert (doc["provisional_diagnosis"], doc["above_cutoff"]) == (None, None)
