"""`jisr identify` reproduces every public worked case of identification.md (§1.4, §2.6, §3.5).

One case runs the real command in a subprocess (the installed `jisr` entry point); the others go through
the Django command's `run_from_argv` and the pure `cli.main` it wraps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jisr.identification.engine import cli
from jisr.identification.management.commands.identify import Command

IND, NI, REVIEW, INSUFFICIENT = "INDICATED", "NOT_INDICATED", "NEEDS_LEGAL_REVIEW", "INSUFFICIENT_INFORMATION"

P01 = {"age_at_act": 25, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"]}
N03 = {"age_at_act": 40, "acts": ["intermediary"], "means": ["fraud"], "purposes": ["medical_experimentation"],
       "will_overridden": True}
N04 = {"age_at_act": 24, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_marriage"]}
N06 = {"age_at_act": 27, "acts": ["recruitment"], "means": ["deception"], "purposes": ["surrogacy_exploitation"]}
AL, CL = {"profile": "adult_labour"}, {"profile": "child_labour"}

# (id, ruleset, observation, expected outcome, expected missing or None to skip)
PUBLIC_CASES: list[tuple[str, str, dict[str, Any], str, list[str] | None]] = [
    ("P-01", "palermo-2000", P01, IND, []),
    ("P-02", "palermo-2000", {"age_at_act": 30, "acts": ["transportation"], "means": [],
                              "purposes": ["prostitution_of_others"], "consent": True}, NI, ["means"]),
    ("P-03", "palermo-2000", {"age_at_act": 16, "acts": ["harbouring"], "means": [],
                              "purposes": ["forced_labour"]}, IND, []),
    ("P-04", "palermo-2000", {"age_at_act": 22, "acts": ["recruitment"], "means": ["abuse_of_vulnerability"],
                              "purposes": ["sexual_exploitation"], "consent": True}, IND, []),
    ("P-05", "palermo-2000", {"age_at_act": 35, "acts": [], "means": ["threat_of_force"],
                              "purposes": ["forced_labour"]}, NI, ["act"]),
    ("P-05-unknown", "palermo-2000", {"age_at_act": 35, "means": ["threat_of_force"],
                                      "purposes": ["forced_labour"]}, INSUFFICIENT, ["act"]),
    ("P-06", "palermo-2000", {"age_at_act": 17, "acts": ["recruitment"], "means": [], "purposes": []}, NI,
     ["purpose"]),
    ("N-01", "ma-law-27-14", {"age_at_act": 15, "acts": ["harbouring"], "means": [], "purposes": ["begging"],
                              "will_overridden": True}, IND, []),
    ("N-02", "ma-law-27-14", {"age_at_act": 28, "acts": ["recruitment"], "means": ["need_or_precariousness"],
                              "purposes": ["pornography"], "will_overridden": True}, IND, []),
    ("N-03-MA", "ma-law-27-14", N03, IND, []),
    ("N-03-Palermo", "palermo-2000", N03, REVIEW, None),
    ("N-04-ES", "es-cp-177bis", N04, IND, []),
    ("N-04-Palermo", "palermo-2000", N04, REVIEW, None),
    ("N-05", "es-cp-177bis", {"age_at_act": 33, "acts": ["harbouring"], "means": ["need_or_precariousness"],
                              "purposes": ["criminal_activities"]}, IND, []),
    ("N-06-EU-amended", "eu-2011-36-2024", N06, IND, []),
    ("N-06-EU-2011", "eu-2011-36", N06, REVIEW, None),
    ("N-06-Palermo", "palermo-2000", N06, REVIEW, None),
    ("N-06-ES", "es-cp-177bis", N06, REVIEW, None),
    ("N-06-MA", "ma-law-27-14", N06, REVIEW, None),
    ("ILO-02", "ilo-ec-2009", {**AL, "indicators": ["D1.nature_job", "D1.wages", "D4.excessive_hours",
                                                    "D4.low_no_salary", "D5.confiscation_docs",
                                                    "D5.debt_bondage"]}, IND, []),
    ("ILO-03", "ilo-ec-2009", {**AL, "indicators": ["D1.wages", "D3.economic", "D3.family_situation",
                                                    "D4.excessive_hours", "D4.hazardous", "D4.bad_living",
                                                    "D5.withholding_wages", "D6.economic"]}, NI,
     ["D1|D2|D3", "D5|D6"]),
    ("ILO-04", "ilo-ec-2009", {**AL, "indicators": ["D2.violence_victim", "D2.threats_violence",
                                                    "D4.excessive_hours", "D4.low_no_salary",
                                                    "D5.threat_denunciation", "D5.withholding_wages",
                                                    "D6.dependency"]}, NI, ["D5|D6"]),
    ("ILO-05", "ilo-ec-2009", {**CL, "indicators": ["D3.difficult_family", "D3.economic", "D3.lack_information",
                                                    "D4.excessive_hours", "D4.no_education"]}, IND, []),
]


def _write(tmp_path: Path, observation: dict[str, Any]) -> Path:
    path = tmp_path / "observation.json"
    path.write_text(json.dumps(observation), encoding="utf-8")
    return path


def _check(output: dict[str, Any], ruleset: str, outcome: str, missing: list[str] | None) -> None:
    assert output["ruleset"] == ruleset
    assert output["outcome"] == outcome
    if missing is not None:
        assert output["missing"] == missing


def test_identify_subprocess_reproduces_p01(tmp_path: Path) -> None:
    jisr = Path(sys.executable).with_name("jisr")
    done = subprocess.run(
        [str(jisr), "identify", "--ruleset", "palermo-2000", str(_write(tmp_path, P01))],
        capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "JISR_DATA_DIR": str(tmp_path / "data")},
    )
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    _check(output, "palermo-2000", IND, [])
    assert output["elements"] == {"act": True, "means": True, "purpose": True}


@pytest.mark.parametrize(("ruleset", "observation", "outcome", "missing"),
                         [pytest.param(*c[1:], id=c[0]) for c in PUBLIC_CASES])
def test_identify_command_reproduces_public_case(
    ruleset: str, observation: dict[str, Any], outcome: str, missing: list[str] | None,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["jisr", "identify", "--ruleset", ruleset, str(_write(tmp_path, observation))])
    assert exit_info.value.code == 0
    _check(json.loads(capsys.readouterr().out), ruleset, outcome, missing)


def test_ilo_06_weights_are_profile_specific(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    indicators = ["D1.education", "D1.wages"]
    results = {}
    for profile in ("adult_labour", "child_labour"):
        assert cli.main(["--ruleset", "ilo-ec-2009",
                         str(_write(tmp_path, {"profile": profile, "indicators": indicators}))]) == 0
        results[profile] = json.loads(capsys.readouterr().out)["dimensions"]["D1"]
    assert results["adult_labour"] == {"positive": False, "strong": 0, "medium": 1, "weak": 1}
    assert results["child_labour"] == {"positive": True, "strong": 1, "medium": 1, "weak": 0}


def test_identify_all_side_by_side_n06(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--ruleset", "all", str(_write(tmp_path, N06))]) == 0
    outcomes = {rid: out["outcome"] for rid, out in json.loads(capsys.readouterr().out).items()}
    assert outcomes == {"palermo-2000": REVIEW, "ilo-ec-2009": INSUFFICIENT, "ma-law-27-14": REVIEW,
                        "es-cp-177bis": REVIEW, "eu-2011-36": REVIEW, "eu-2011-36-2024": IND}


def test_identify_bad_observation_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["jisr", "identify", "--ruleset", "palermo-2000",
                                 str(_write(tmp_path, {"acts": ["teleportation"]}))])
    assert exit_info.value.code == 2
    assert "acts[0]" in capsys.readouterr().err
