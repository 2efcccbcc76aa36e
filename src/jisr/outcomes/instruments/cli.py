"""``jisr score``: score an instrument or compare two scores from the command line.

Interface fixed in ``shared/reference/identification-interface.md``::

    score INSTRUMENT --items LIST [--cutoff N]
    score INSTRUMENT --change BASELINE,FOLLOW_UP

Prints one JSON document on stdout and returns 0 whenever the command line was usable — also
when the answers are ``INCOMPLETE`` or give a ``VALIDATION_ERROR`` (that is a result, not a
failure). Returns 2 with a message on stderr when the command line cannot be used (unknown
instrument or option, text that is not an integer, a cut-off off the scale, ...).

Deliberately not argparse: an item list may start with ``-`` (a missing first answer, e.g.
``--items -,3,3,3,3``), which argparse would take for an option.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from jisr.outcomes.instruments.core import JsonDict
from jisr.outcomes.instruments.parsing import ParseError, parse_int, parse_item_list
from jisr.outcomes.instruments.registry import INSTRUMENTS, Instrument, get_instrument

PROG = "jisr score"
USAGE = f"""usage: {PROG} INSTRUMENT --items LIST [--cutoff N]
       {PROG} INSTRUMENT --change BASELINE,FOLLOW_UP

INSTRUMENT  {" | ".join(INSTRUMENTS)}
--items     item scores in the instrument's order, comma-separated; - for a missing answer
            (a missing answer is never scored as zero). Digits 0-9, \u0660-\u0669 or \u06f0-\u06f9;
            the Arabic comma \u060c also separates.
--cutoff    positive-screen cut-off: phq-9 and gad-7 default 10, pcl-5 default 33;
            who-5 has fixed published cut-offs and takes none
--change    two scores, baseline then follow-up: who-5 on the percent scale (0-100),
            the others as totals
"""

_SHORT_USAGE = "\n".join(USAGE.splitlines()[:2])
_OPTIONS = ("--items", "--cutoff", "--change")


class UsageError(Exception):
    """The command line cannot be used; the message tells the user what to fix."""


@dataclass(frozen=True)
class _Command:
    instrument: Instrument
    items: str | None
    cutoff: str | None
    change: str | None


def _parse_command(args: Sequence[str]) -> _Command:
    if args and args[0] == "score":
        args = args[1:]
    positionals: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        name, equals, value = arg.partition("=")
        if name in _OPTIONS:
            if not equals:
                if i + 1 >= len(args) or args[i + 1] in _OPTIONS:
                    raise UsageError(f"{name} needs a value")
                i += 1
                value = args[i]
            if name in options:
                raise UsageError(f"{name} given more than once")
            options[name] = value
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option {arg}")
        else:
            positionals.append(arg)
        i += 1

    if not positionals:
        raise UsageError("INSTRUMENT is missing")
    if len(positionals) > 1:
        raise UsageError(f"unexpected argument {positionals[1]!r}")
    try:
        instrument = get_instrument(positionals[0].strip().lower())
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    items, cutoff, change = (options.get(o) for o in _OPTIONS)
    if (items is None) == (change is None):
        raise UsageError("give either --items LIST or --change BASELINE,FOLLOW_UP")
    if cutoff is not None and change is not None:
        raise UsageError("--cutoff goes with --items, not with --change")
    if cutoff is not None and not instrument.accepts_cutoff:
        raise UsageError(f"{instrument.spec.code} has fixed published cut-offs; drop --cutoff")
    return _Command(instrument, items, cutoff, change)


def _run(command: _Command) -> JsonDict:
    instrument = command.instrument
    try:
        if command.change is not None:
            scores = parse_item_list(command.change)
            if len(scores) != 2:
                raise UsageError(f"--change needs two scores BASELINE,FOLLOW_UP; got {len(scores)}")
            return instrument.change(scores[0], scores[1]).as_dict()
        assert command.items is not None  # _parse_command guarantees one of the two
        items = parse_item_list(command.items)
        cutoff = None if command.cutoff is None else parse_int(command.cutoff)
    except ParseError as exc:
        raise UsageError(str(exc)) from None
    try:
        return instrument.score(items, cutoff=cutoff).as_dict()
    except ValueError as exc:  # cut-off outside the instrument's total range
        raise UsageError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    """Run ``score ...`` with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    A leading ``score`` word is optional, so both ``main(["score", "phq-9", ...])`` and
    ``main(["phq-9", ...])`` work. Exit 0 with the JSON result on stdout (any status), 0 with
    the usage text for ``-h``/``--help``, 2 with a message on stderr for an unusable command.
    """
    args = sys.argv[1:] if argv is None else argv
    if "-h" in args or "--help" in args:
        sys.stdout.write(USAGE)
        return 0
    try:
        doc = _run(_parse_command(args))
    except UsageError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n{_SHORT_USAGE}\n")
        return 2
    sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by a subprocess test
    raise SystemExit(main())
