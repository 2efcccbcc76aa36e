"""``identify --ruleset ID|all FILE.json``: print the output document(s) as JSON.

``FILE`` is the input document (``-`` reads standard input). With ``--ruleset all`` the output is
``{ruleset_id: output document}`` for every frame, side by side. Exit status: 0 on success; 2 for a bad
file, a bad observation, an unknown rule set or variant (message on standard error); 1 if a shipped
rule file is broken. The Django command ``jisr identify`` wraps :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .api import available_rulesets, evaluate, evaluate_all
from .rulesets import RuleSetError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="identify",
        description="Evaluate an observation against a rule set. "
        "A result is an indication for assistance and referral, never a legal determination.",
    )
    parser.add_argument(
        "--ruleset", required=True, help=f"one of {', '.join(available_rulesets())}, or 'all'"
    )
    parser.add_argument("--adult-variant", default=None, help="ILO/EC adult combination variant")
    parser.add_argument("--child-variant", default=None, help="ILO/EC child combination variant")
    parser.add_argument("file", help="input document (JSON), or - for standard input")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return 0 if exc.code in (0, None) else 2
    try:
        if args.file == "-":
            data: Any = json.load(sys.stdin)
        else:
            with open(args.file, encoding="utf-8") as handle:
                data = json.load(handle)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(f"identify: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    variants = {"adult_variant": args.adult_variant, "child_variant": args.child_variant}
    try:
        if args.ruleset == "all":
            output: Any = evaluate_all(data, **variants)
        else:
            output = evaluate(args.ruleset, data, **variants)
    except RuleSetError as exc:
        print(f"identify: broken rule file: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # ObservationError, UnknownRuleSetError, VariantError
        print(f"identify: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
