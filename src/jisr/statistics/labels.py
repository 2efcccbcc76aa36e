"""Translated labels for the keys and codes the statistics screens show: export tables, DP dimensions,
CTDC vocabulary (regions, forms, recruiter relations) and UNODC GLOTIP categories. Files keep the codes
(they are the standard's vocabulary); people read these labels. An unknown key is shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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
    """The marker shown instead of a withheld count (never 0: a zero is published as 0)."""
    return pgettext("statistics count", "suppressed")


def withheld_note(threshold: int) -> str:
    """What the marker means, for the screens, the files and the donor report."""
    return gettext(
        "Counts below %(n)s, and the counts that would let them be worked out from the totals, are not shown:"
        " they read “%(marker)s”."
    ) % {"n": threshold, "marker": withheld()}


def multiple_forms() -> str:
    """Why a breakdown by form of exploitation adds up to more than the number of cases."""
    return gettext(
        "A case can have several forms of exploitation: the rows can add up to more than the number of cases."
    )
