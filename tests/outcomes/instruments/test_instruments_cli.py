"""`jisr score` command line: JSON results (exit 0) and unusable command lines (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jisr.outcomes.instruments.cli import main

SRC = Path(__file__).resolve().parents[3] / "src"


def ok(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    doc = json.loads(captured.out)
    assert isinstance(doc, dict)
    return doc


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("jisr score: error: ")
    assert "usage: jisr score INSTRUMENT --items LIST" in captured.err
    return captured.err


def test_leading_score_word_is_optional(capsys: pytest.CaptureFixture[str]) -> None:
    with_word = ok(capsys, ["score", "gad-7", "--items", "1,1,1,1,1,0,0"])
    without = ok(capsys, ["gad-7", "--items", "1,1,1,1,1,0,0"])
    assert with_word == without
    assert with_word["total"] == 5


def test_phq9_json_keys_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ok(capsys, ["score", "phq-9", "--items", "0,0,0,0,0,0,0,0,1"])
    assert doc == {
        "instrument": "phq-9",
        "status": "COMPLETE",
        "total": 1,
        "severity": "minimal",
        "positive_screen": False,
        "item9_flag": True,
        "cutoff": 10,
        "missing": [],
        "errors": [],
    }


def test_who5_json_keys_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ok(capsys, ["score", "who-5", "--items", "1,1,2,2,1"])
    assert doc == {
        "instrument": "who-5",
        "status": "COMPLETE",
        "raw": 7,
        "percent": 28,
        "low_wellbeing": True,
        "likely_depression": True,
        "item_low_flag": True,
        "missing": [],
        "errors": [],
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "who-5", "--items", "-,3,3,3,3"],  # a list that starts with '-'
        ["score", "who-5", "--items=-,3,3,3,3"],
        ["score", "--items", "-,3,3,3,3", "who-5"],  # options before the instrument
    ],
)
def test_missing_answer_is_incomplete_never_zero(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    doc = ok(capsys, argv)
    assert doc["status"] == "INCOMPLETE"
    assert doc["raw"] is None and doc["percent"] is None
    assert doc["missing"] == ["who5_1"]


def test_arabic_and_persian_digits(capsys: pytest.CaptureFixture[str]) -> None:
    arabic = ok(
        capsys,
        ["score", "phq-9", "--items", "\u0663,\u0663,\u0662,\u0662,\u0662,\u0662,\u0662,\u0661,\u0660"],
    )
    persian = ok(
        capsys,
        ["score", "phq-9", "--items", "\u06f3,\u06f3,\u06f2,\u06f2,\u06f2,\u06f2,\u06f2,\u06f1,\u06f0"],
    )
    assert arabic == persian
    assert (arabic["total"], arabic["severity"]) == (17, "moderately_severe")
    cut = ok(capsys, ["score", "pcl-5", "--items", ",".join(["2"] * 20), "--cutoff", "\u0663\u0661"])
    assert cut["cutoff"] == 31


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["score", "phq-9", "--items", "1,2,3"], "VALIDATION_ERROR"),  # wrong count
        (["score", "gad-7", "--items", "4,0,0,0,0,0,0"], "VALIDATION_ERROR"),  # out of range
        (["score", "gad-7", "--items", "-1,0,0,0,0,0,0"], "VALIDATION_ERROR"),
        (["score", "who-5", "--change", "42,52"], "VALIDATION_ERROR"),  # not a WHO-5 percent
        (["score", "who-5", "--change", "-,52"], "INCOMPLETE"),
    ],
)
def test_data_problems_are_results_with_exit_0(
    capsys: pytest.CaptureFixture[str], argv: list[str], status: str
) -> None:
    doc = ok(capsys, argv)
    assert doc["status"] == status


def test_cutoff_for_phq9(capsys: pytest.CaptureFixture[str]) -> None:
    items = "1,1,1,1,1,1,1,1,0"  # total 8
    assert ok(capsys, ["score", "phq-9", "--items", items])["positive_screen"] is False
    doc = ok(capsys, ["score", "phq-9", "--items", items, "--cutoff", "8"])
    assert (doc["positive_screen"], doc["cutoff"]) == (True, 8)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "INSTRUMENT is missing"),
        (["score"], "INSTRUMENT is missing"),
        (["score", "phq-8", "--items", "0"], "unknown instrument 'phq-8'; choose one of who-5, phq-9"),
        (["score", "phq-9"], "give either --items LIST or --change BASELINE,FOLLOW_UP"),
        (["score", "phq-9", "--items", "0", "--change", "1,2"], "give either --items"),
        (["score", "phq-9", "--items"], "--items needs a value"),
        (["score", "phq-9", "--items", "--cutoff", "3"], "--items needs a value"),
        (["score", "phq-9", "--items", "0", "--items", "1"], "--items given more than once"),
        (["score", "phq-9", "--item", "0"], "unknown option --item"),
        (["score", "phq-9", "gad-7", "--items", "0"], "unexpected argument 'gad-7'"),
        (["score", "phq-9", "--items", "1,x,2"], "answer 2: 'x' is not an integer"),
        (["score", "phq-9", "--items", "1,,2"], "answer 2 is empty"),
        (["score", "phq-9", "--items", "0,0,0,0,0,0,0,0,0", "--cutoff", "ten"], "'ten' is not an integer"),
        (["score", "phq-9", "--items", "0,0,0,0,0,0,0,0,0", "--cutoff", "28"], "cut-off must be within 0-27"),
        (["score", "pcl-5", "--change", "50,38", "--cutoff", "33"], "--cutoff goes with --items"),
        (["score", "who-5", "--items", "5,5,5,5,5", "--cutoff", "13"], "who-5 has fixed published cut-offs"),
        (["score", "pcl-5", "--change", "50"], "--change needs two scores BASELINE,FOLLOW_UP; got 1"),
        (["score", "pcl-5", "--change", "50,40,30"], "got 3"),
        (["score", "pcl-5", "--change", "fifty,40"], "'fifty' is not an integer"),
    ],
)
def test_unusable_command_lines_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert message in usage_error(capsys, argv)


def test_instrument_name_is_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    assert ok(capsys, ["score", "PHQ-9", "--items", "0,0,0,0,0,0,0,0,0"])["instrument"] == "phq-9"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    assert main(["score", flag]) == 0
    out = capsys.readouterr().out
    assert "score INSTRUMENT --change BASELINE,FOLLOW_UP" in out
    assert "who-5 | phq-9 | gad-7 | pcl-5" in out


def test_argv_defaults_to_sys_argv(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["jisr", "score", "who-5", "--change", "52,40"])
    doc = ok(capsys, None)  # type: ignore[arg-type]
    assert (doc["change"], doc["direction"], doc["significant"]) == (-12, "deterioration", True)


def test_runs_as_a_module_in_a_subprocess() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jisr.outcomes.instruments.cli",
            "score",
            "who-5",
            "--items",
            "\u0665,\u0665,\u0665,\u0665,\u0665",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["percent"] == 100
    bad = subprocess.run(
        [sys.executable, "-m", "jisr.outcomes.instruments.cli", "score", "nope"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert "unknown instrument" in bad.stderr
