"""Translated labels for the keys and codes the statistics screens show: export tables, DP dimensions,
CTDC vocabulary (regions, forms, recruiter relations) and UNODC GLOTIP categories. Files keep the codes
(they are the standard's vocabulary); people read these labels. An unknown key is shown as it is."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from jisr.statistics.core.periods import Quarter

TABLES = {
    "sex_by_stage": _("Sex by TRM stage"),
    "age_by_sex": _("Age band by sex"),
    "exploitation_by_sex": _("Form of exploitation by sex"),
    "nationality_by_sex": _("Nationality by sex"),
}
DIMENSIONS = {
    "trm_stage": _("TRM stage"),
    "exploitation": _("Form of exploitation"),
    "sex": _("Sex"),
    "age_band": _("Age band at opening"),
    "ctdc_age": _("Age band (CTDC)"),
    "nationality": _("Nationality"),
}
CTDC = {
    # UN regions (origin, exploitation, perpetrator citizenship)
    "Africa": _("Africa"),
    "Americas/Oceania": _("Americas and Oceania"),
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    # forms of exploitation
    "ForcedLabour": _("Forced labour"),
    "SexualExploitation": _("Sexual exploitation"),
    # recruiter relation
    "FamilyIntimatePartner": _("Family member or intimate partner"),
    "FriendAcquaintance": _("Friend or acquaintance"),
    "StrangerUnknownOther": _("Stranger, unknown or other"),
}
GLOTIP = {
    "Forced labour": _("Forced labour"),
    "Sexual exploitation": _("Sexual exploitation"),
    "Other forms of exploitation": _("Other forms of exploitation"),
    "Female": pgettext_lazy("sex", "Female"),
    "Male": pgettext_lazy("sex", "Male"),
    "Other": pgettext_lazy("sex", "Other"),
    "Unknown": _("Unknown"),
    "Total": _("Total"),
    "0 to 17 years": _("0 to 17 years"),
    "18 years or over": _("18 years or over"),
}


def label(vocabulary: dict[str, object], key: str) -> str:
    return str(vocabulary.get(key, key))


def withheld() -> str:
    """The marker shown instead of a withheld count (a zero too, beside a withheld total: see
    core.disclosure)."""
    return pgettext("statistics count", "suppressed")


def withheld_note(threshold: int) -> str:
    """What the marker means, for the screens, the files and the donor report."""
    return gettext(
        "Counts below %(n)s are not shown, nor the counts (zeros included) that would let them be worked out"
        " or tell which category they are in: they read “%(marker)s”."
    ) % {"n": threshold, "marker": withheld()}


_FIGURES = re.compile(r"[0-9][0-9+\-–.,/ ]*")
LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate … pop directional isolate (Unicode bidi)


def is_figures(label: str) -> bool:
    """A label made of figures and signs only — an age band ("50+", "0-11", CTDC's "30--38")."""
    return bool(_FIGURES.fullmatch(label))


def isolated(label: str) -> str:
    """`label` as text that keeps its order on a right-to-left page (a PDF, a chart drawn on a canvas):
    figures between LRI and PDI, so that "50+" does not read "+50" nor "30--38" "38--30" in Arabic. Not
    for files read by programs (CSV, XLSX): they keep the codes as they are."""
    return f"{LRI}{label}{PDI}" if is_figures(label) else label


def no_cases() -> str:
    """What a table or breakdown of a period without any case says."""
    return gettext("No cases in this period.")


def table_withheld() -> str:
    """Why every count of a table or breakdown is withheld (core.disclosure's fallback)."""
    return gettext(
        "No way was found to withhold only some of these counts without one of them being worked out from"
        " the others, so they are all withheld."
    )


def day(value: dt.date) -> str:
    """A date as the rest of Jisr shows it: day/month/year (SHORT_DATE_FORMAT, jisr.formats)."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def epsilon(value: Decimal | int) -> str:
    """A privacy-loss amount without the ledger's trailing zeros ("3", not "3.0000"), with the reader's
    decimal separator."""
    normal = Decimal(value).normalize()
    if int(normal.as_tuple().exponent) > 0:  # 1E+1: ten, written out
        normal = normal.quantize(Decimal(1))
    return formats.number_format(normal)


def period(start: dt.date, last_day: dt.date) -> str:
    """The period of a caseload in words, both days included (the query's end is the day after)."""
    return gettext("Cases open at any time from %(start)s to %(end)s, both days included.") % {
        "start": day(start),
        "end": day(last_day),
    }


def multiple_forms() -> str:
    """Why a breakdown by form of exploitation adds up to more than the number of cases."""
    return gettext(
        "A case can have several forms of exploitation: the rows can add up to more than the number of cases."
    )


def quarter(value: Quarter) -> str:
    """A quarter as a choice reads: "Q1 2025 (01/01/2025 – 31/03/2025)"."""
    return gettext("Q%(number)s %(year)s (%(start)s – %(end)s)") % {
        "number": value.number,
        "year": value.year,
        "start": day(value.start),
        "end": day(value.last_day),
    }
