"""Input validation: unknown keys, bad types and unknown codes fail with the offending field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from jisr.identification.engine import Observation, ObservationError, evaluate


@pytest.mark.parametrize(
    ("document", "field", "text"),
    [
        pytest.param({"acts": ["recruitment"], "colour": "blue"}, "colour", "unknown key", id="unknown-key"),
        pytest.param({"acts": "recruitment"}, "acts", "expected a list of act codes", id="string-not-list"),
        pytest.param({"acts": {"recruitment": True}}, "acts", "got dict", id="dict-not-list"),
        pytest.param({"acts": ["kidnapping"]}, "acts[0]", "unknown act code 'kidnapping'", id="unknown-act"),
        pytest.param({"means": ["deception", "charm"]}, "means[1]", "unknown means code 'charm'", id="unknown-means"),
        pytest.param({"purposes": ["tourism"]}, "purposes[0]", "unknown purpose code", id="unknown-purpose"),
        pytest.param({"purposes": [3]}, "purposes[0]", "got int", id="purpose-not-string"),
        pytest.param({"indicators": [None]}, "indicators[0]", "got null", id="indicator-not-string"),
        pytest.param({"age_at_act": "17"}, "age_at_act", "whole number", id="age-string"),
        pytest.param({"age_at_act": True}, "age_at_act", "got bool", id="age-bool"),
        pytest.param({"age_at_act": 17.5}, "age_at_act", "got float", id="age-float"),
        pytest.param({"age_at_act": -1}, "age_at_act", "between 0 and 130", id="age-negative"),
        pytest.param({"age_at_act": 131}, "age_at_act", "between 0 and 130", id="age-too-old"),
        pytest.param({"age_uncertain": "yes"}, "age_uncertain", "true or false", id="flag-string"),
        pytest.param({"believed_minor": None}, "believed_minor", "got null", id="flag-null"),
        pytest.param({"consent": 1}, "consent", "true, false or null", id="consent-int"),
        pytest.param({"profile": "teen_labour"}, "profile", "unknown profile", id="unknown-profile"),
        pytest.param({"date_of_birth": "12/05/2008"}, "date_of_birth", "ISO date", id="date-format"),
        pytest.param({"act_date": 20240101}, "act_date", "ISO date", id="date-int"),
        pytest.param({"act_date": "2024-02-30"}, "act_date", "not a valid calendar date", id="date-impossible"),
        pytest.param({"date_of_birth": "2010-01-01", "act_date": "2009-12-31"}, "act_date", "before the date of birth",
                     id="act-before-birth"),
    ],
)
def test_bad_documents_name_the_field(document: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ObservationError, match=text) as caught:
        evaluate("palermo-2000", document)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("document", [[], "x", None, 3])
def test_the_document_must_be_an_object(document: Any) -> None:
    with pytest.raises(ObservationError, match="must be a JSON object") as caught:
        Observation.from_dict(document)
    assert caught.value.field is None
    assert str(caught.value).startswith("the observation must")


def test_a_datetime_is_not_a_date() -> None:
    with pytest.raises(ObservationError, match="not a date-time"):
        Observation(date_of_birth=datetime(2000, 1, 1, 12, 0))


def test_observation_built_in_python_is_validated_and_normalised() -> None:
    obs = Observation(acts=["recruitment", "recruitment", "receipt"], date_of_birth=date(2000, 1, 1))  # type: ignore[arg-type]
    assert obs.acts == ("recruitment", "receipt")
    with pytest.raises(ObservationError, match="unknown means code"):
        Observation(means=("magic",))


def test_round_trip_to_dict_and_back() -> None:
    document = {
        "date_of_birth": "2008-05-12", "act_date": "2024-05-11", "age_at_act": None, "age_uncertain": True,
        "believed_minor": False, "acts": ["recruitment"], "means": [], "purposes": None,
        "exploitation_occurred": False, "consent": None, "will_overridden": True, "profile": "child_labour",
        "indicators": ["D1.wages"],
    }
    obs = Observation.from_dict(document)
    assert obs.to_dict() == document
    assert Observation.from_dict(obs.to_dict()) == obs


def test_evaluate_accepts_an_observation_or_a_dict_alike() -> None:
    document = {"age_at_act": 20, "acts": ["receipt"], "means": ["fraud"], "purposes": ["servitude"]}
    assert evaluate("eu-2011-36", document) == evaluate("eu-2011-36", Observation.from_dict(document))
