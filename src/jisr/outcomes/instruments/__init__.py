"""Pure scoring of the recovery-outcome instruments: WHO-5, PHQ-9, GAD-7 and PCL-5.

Plain Python (no Django), scoring exactly as published; facts, sources and confidence tags are
in ``shared/reference/identification.md`` §4, output codes in ``identification-interface.md``.

- ``score_who5(items)``, ``score_phq9(items, *, cutoff=10)``, ``score_gad7(items, *, cutoff=10)``,
  ``score_pcl5(items, *, cutoff=33)``: ``items`` is the answers in published order, ``None`` for a
  missing answer. Results carry ``status`` (``COMPLETE`` / ``INCOMPLETE`` / ``VALIDATION_ERROR``)
  and ``as_dict()`` gives the ``jisr score`` JSON. A missing answer is never scored as zero.
- ``who5_change`` (percent scale), ``phq9_change``, ``gad7_change``, ``pcl5_change``: change,
  direction and significance between two administrations.
- ``INSTRUMENTS`` / ``get_instrument(code)``: the same by interface code, with item metadata
  (``InstrumentSpec``: item codes such as ``phq9_1``, item count, response-scale range).
- ``parse_item_list`` / ``parse_int``: typed answers with ASCII, Eastern Arabic or Persian digits.
"""

from jisr.outcomes.instruments.banded import BandedResult
from jisr.outcomes.instruments.core import (
    Band,
    ChangeResult,
    ChangeRule,
    Direction,
    InstrumentSpec,
    ItemValue,
    ScoreResult,
    Severity,
    Status,
)
from jisr.outcomes.instruments.gad7 import Gad7Result, gad7_change, score_gad7
from jisr.outcomes.instruments.parsing import ParseError, parse_int, parse_item_list
from jisr.outcomes.instruments.pcl5 import Pcl5Result, pcl5_change, score_pcl5
from jisr.outcomes.instruments.phq9 import Phq9Result, phq9_change, score_phq9
from jisr.outcomes.instruments.registry import INSTRUMENTS, Instrument, get_instrument
from jisr.outcomes.instruments.who5 import Who5Result, score_who5, who5_change

__all__ = [
    "INSTRUMENTS",
    "Band",
    "BandedResult",
    "ChangeResult",
    "ChangeRule",
    "Direction",
    "Gad7Result",
    "Instrument",
    "InstrumentSpec",
    "ItemValue",
    "ParseError",
    "Pcl5Result",
    "Phq9Result",
    "ScoreResult",
    "Severity",
    "Status",
    "Who5Result",
    "gad7_change",
    "get_instrument",
    "parse_int",
    "parse_item_list",
    "pcl5_change",
    "phq9_change",
    "score_gad7",
    "score_pcl5",
    "score_phq9",
    "score_who5",
    "who5_change",
]
