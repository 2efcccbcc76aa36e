"""``identify --ruleset ID|all FILE.json``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from jisr.identification.engine import evaluate, evaluate_all
from jisr.identification.engine.cli import main

N03 = {"age_at_act": 40, "acts": ["intermediary"], "means": ["fraud"], "purposes": ["medical_experimentation"],
       "will_overridden": True}


def write(tmp_path: Path, data: Any, name: str = "obs.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_one_ruleset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--ruleset", "ma-law-27-14", write(tmp_path, N03)]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == evaluate("ma-law-27-14", N03)
    assert out.startswith('{\n  "outcome": "INDICATED"')  # indent=2


def test_all_rulesets_side_by_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--ruleset", "all", write(tmp_path, N03)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == evaluate_all(N03)
    assert printed["palermo-2000"]["outcome"] == "NEEDS_LEGAL_REVIEW"


def test_non_ascii_is_printed_as_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--ruleset", "ma-law-27-14", write(tmp_path, {**N03, "acts": ["luring"]})]) == 0
    out = capsys.readouterr().out
    assert "\\u" not in out  # ensure_ascii=False
    assert json.loads(out)["outcome"] == "INDICATED"


def test_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(N03)))
    assert main(["--ruleset", "palermo-2000", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "NEEDS_LEGAL_REVIEW"


def test_variants_are_passed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {"profile": "child_labour", "acts": ["receipt"], "indicators": ["D4.excessive_hours", "D4.hazardous"]}
    assert main(["--ruleset", "ilo-ec-2009", "--child-variant", "ILO_CHILD_V2_act_and_exploitation",
                 write(tmp_path, doc)]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "INDICATED"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ruleset", "nope", "FILE"], "unknown rule set 'nope'"),
        (["--ruleset", "palermo-2000", "MISSING"], "cannot read"),
        (["--ruleset", "palermo-2000", "NOTJSON"], "cannot read"),
        (["--ruleset", "palermo-2000", "BADOBS"], "means[0]: unknown means code 'charm'"),
        (["--ruleset", "palermo-2000", "--adult-variant", "X", "FILE"], "ILO/EC indicators only"),
        (["--ruleset", "all", "--adult-variant", "X", "FILE"], "unknown adult combination variant 'X'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    files = {
        "FILE": write(tmp_path, N03),
        "MISSING": str(tmp_path / "missing.json"),
        "NOTJSON": write(tmp_path, "{not json", "bad.json"),
        "BADOBS": write(tmp_path, {"means": ["charm"]}, "badobs.json"),
    }
    assert main([files.get(a, a) for a in args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("identify: ")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "--ruleset" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "never a legal determination" in capsys.readouterr().out


def test_a_broken_shipped_rule_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jisr.identification.engine import rulesets

    rulesets.load_ruleset.cache_clear()
    monkeypatch.setattr(rulesets, "_DIRECTORY", "no-such-directory")
    try:
        assert main(["--ruleset", "palermo-2000", write(tmp_path, N03)]) == 1
    finally:
        monkeypatch.undo()
        rulesets.load_ruleset.cache_clear()
    assert "broken rule file" in capsys.readouterr().err
