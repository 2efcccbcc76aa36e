"""Translated labels for the keys and codes the statistics screens show: export tables, DP dimensions,
CTDC vocabulary (regions, forms, recruiter relations) and UNODC GLOTIP categories. Files keep the codes
(they are the standard's vocabulary); people read these labels. An unknown key is shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
