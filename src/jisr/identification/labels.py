"""Plain-language labels for every code the identification engine speaks (identification-interface.md).

Screens translate by code, never by the engine's English text: act, means and purpose codes, ILO/EC
indicator codes and dimensions, outcomes, what is missing, and every note and warning code. The wording
is for case workers, not lawyers; the legal term and its source stay in the result's technical details.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RULESET_LABELS: dict[str, Promise] = {
    "palermo-2000": _("UN Palermo Protocol (2000)"),
    "ilo-ec-2009": _("ILO/EC indicators of trafficking (2009)"),
    "ma-law-27-14": _("Morocco, Law 27-14 (Penal Code art. 448-1)"),
    "es-cp-177bis": _("Spain, Criminal Code art. 177 bis"),
    "eu-2011-36": _("EU Directive 2011/36 (original text)"),
    "eu-2011-36-2024": _("EU Directive 2011/36, as amended in 2024"),
}

OUTCOME_LABELS: dict[str, Promise] = {
    "INDICATED": _("Trafficking indicated"),
    "NOT_INDICATED": _("Not indicated"),
    "INSUFFICIENT_INFORMATION": _("Not enough information"),
    "NEEDS_LEGAL_REVIEW": _("Needs legal review"),
    "RULESET_NOT_AVAILABLE": _("Cannot be assessed with this frame yet"),
}
#: Bootstrap colour per outcome: indicated is the one that calls for action.
OUTCOME_STYLES: dict[str, str] = {
    "INDICATED": "danger",
    "NOT_INDICATED": "secondary",
    "INSUFFICIENT_INFORMATION": "warning",
    "NEEDS_LEGAL_REVIEW": "info",
    "RULESET_NOT_AVAILABLE": "light",
}

ELEMENT_LABELS: dict[str, Promise] = {
    "act": _("What was done (act)"),
    "means": _("How it was done (means)"),
    "purpose": _("Why it was done (purpose)"),
}

ACT_LABELS: dict[str, Promise] = {
    "recruitment": _("Recruited (offered a job, a trip, a marriage…)"),
    "transportation": _("Transported"),
    "transfer": _("Handed over or moved from one place or person to another"),
    "harbouring": _("Housed or kept somewhere"),
    "receipt": _("Received or met on arrival"),
    "exchange_of_control": _("Control over the person exchanged or transferred"),
    "intermediary": _("Someone acted as a go-between for any of these"),
    "luring": _("Lured or enticed"),
}

MEANS_LABELS: dict[str, Promise] = {
    "threat_of_force": _("Threatened with violence"),
    "use_of_force": _("Violence was used"),
    "other_coercion": _("Other pressure or coercion"),
    "abduction": _("Kidnapped"),
    "fraud": _("Fraud"),
    "deception": _("Lied to or tricked"),
    "abuse_of_power": _("Someone abused their power or authority over the person"),
    "abuse_of_vulnerability": _("Someone took advantage of the person's vulnerable situation"),
    "payment_to_controller": _("Money or favours given to someone who had control over the person"),
    "need_or_precariousness": _("Someone took advantage of the person's need or poverty"),
    "intimidation": _("Intimidated"),
    "abuse_of_superiority": _("Someone abused a position of superiority over the person"),
}

PURPOSE_LABELS: dict[str, Promise] = {
    "prostitution_of_others": _("Made to sell sex for others' profit"),
    "sexual_exploitation": _("Other sexual exploitation"),
    "pornography": _("Pornography, including online"),
    "forced_labour": _("Forced labour"),
    "forced_services": _("Forced services (including domestic work)"),
    "begging": _("Forced begging"),
    "slavery": _("Slavery"),
    "practices_similar_to_slavery": _("Practices similar to slavery"),
    "servitude": _("Servitude"),
    "organ_removal": _("Removal of organs"),
    "tissue_trafficking": _("Trafficking in organs or human tissue"),
    "criminal_activities": _("Forced to commit crimes"),
    "forced_marriage": _("Forced marriage"),
    "illegal_adoption": _("Illegal adoption"),
    "surrogacy_exploitation": _("Forced or deceived into surrogacy"),
    "medical_experimentation": _("Medical experiments or research"),
    "armed_conflict": _("Used in armed conflict"),
    "other": _("Another form of exploitation"),
}

PROFILE_LABELS: dict[str, Promise] = {
    "adult_labour": _("Adult, labour exploitation"),
    "adult_sexual": _("Adult, sexual exploitation"),
    "child_labour": _("Child, labour exploitation"),
    "child_sexual": _("Child, sexual exploitation"),
}

DIMENSION_LABELS: dict[str, Promise] = {
    "D1": _("Deceived when recruited"),
    "D2": _("Forced or threatened when recruited"),
    "D3": _("Recruited by taking advantage of a difficult situation"),
    "D4": _("Exploitative working or living conditions"),
    "D5": _("Forced or threatened at the place of exploitation"),
    "D6": _("Taken advantage of at the place of exploitation"),
}

WEIGHT_LABELS: dict[str, Promise] = {
    "S": _("strong sign"),
    "M": _("medium sign"),
    "W": _("weak sign"),
}

INDICATOR_LABELS: dict[str, Promise] = {
    # D1 — deceptive recruitment
    "D1.nature_job": _("Lied to about the kind of work, the place or the employer"),
    "D1.wages": _("Lied to about pay"),
    "D1.conditions": _("Lied to about working conditions"),
    "D1.contract": _("Lied to about the contract or whether it was legal"),
    "D1.housing": _("Lied to about housing or living conditions"),
    "D1.legal_docs": _("Lied to about papers or legal migration status"),
    "D1.travel": _("Lied to about the journey or how the recruitment would work"),
    "D1.family_reunif": _("Lied to about bringing family over"),
    "D1.marriage_adoption": _("Lured with a promise of marriage or adoption"),
    "D1.education": _("Lied to about going to school or training"),
    # D2 — coercive recruitment
    "D2.violence_victim": _("Hurt or attacked"),
    "D2.threats_violence": _("Threatened with violence"),
    "D2.abduction_selling": _("Kidnapped, sold, or forced into marriage or adoption"),
    "D2.debt_bondage": _("Made to owe a debt that ties the person to the recruiter"),
    "D2.confiscation_docs": _("Passport or papers taken away"),
    "D2.isolation": _("Kept isolated, locked in or watched"),
    "D2.threat_denunciation": _("Threatened with being reported to the police or immigration"),
    "D2.threat_inform": _("Threatened that family, community or the public would be told"),
    "D2.violence_family": _("Family threatened or hurt"),
    "D2.withholding_money": _("Money kept from the person"),
    # D3 — recruitment by abuse of vulnerability
    "D3.difficult_family": _("A difficult family situation was used against the person"),
    "D3.illegal_status": _("Lack of legal papers was used against the person"),
    "D3.lack_education_language": _("Little schooling or not knowing the language was used against the person"),
    "D3.lack_information": _("Lack of information was used against the person"),
    "D3.control_exploiters": _("Already under the control of the exploiters"),
    "D3.economic": _("Poverty or money problems"),
    "D3.false_info_migration": _("Given a false picture of how well migration would go"),
    "D3.false_info_law": _("Given false information about the law or how the authorities would react"),
    "D3.family_situation": _("Family situation"),
    "D3.personal_situation": _("Personal situation"),
    "D3.emotional_dependency": _("Emotionally dependent on the recruiter"),
    "D3.authorities_status": _("Difficult relationship with the authorities or legal status"),
    "D3.past_difficulties": _("Hard experiences in the past"),
    "D3.travel_difficulty": _("Could not arrange the journey alone"),
    "D3.cultural_religious": _("Cultural or religious beliefs were used against the person"),
    "D3.general_context": _("General situation at home (war, disaster, political unrest)"),
    # D4 — exploitative conditions of work
    "D4.excessive_hours": _("Made to work far too many hours or days"),
    "D4.low_no_salary": _("Paid very little or nothing"),
    "D4.wage_manipulation": _("Pay cut or manipulated"),
    "D4.bad_living": _("Bad living conditions"),
    "D4.very_bad_working": _("Very bad working conditions"),
    "D4.hazardous": _("Dangerous work"),
    "D4.no_labour_law": _("Labour law or the signed contract not respected"),
    "D4.no_social_protection": _("No social protection (no contract, no insurance)"),
    "D4.no_education": _("Kept from school or training"),
    # D5 — coercion at destination
    "D5.confiscation_docs": _("Passport or papers taken away"),
    "D5.debt_bondage": _("Made to work off a debt"),
    "D5.isolation": _("Kept isolated, locked in or watched"),
    "D5.violence_victim": _("Hurt or attacked"),
    "D5.threats_violence": _("Threatened with violence"),
    "D5.forced_illicit": _("Forced to do illegal or criminal things"),
    "D5.forced_tasks_clients": _("Forced to do certain tasks or to see certain clients"),
    "D5.strong_influence": _("Under someone's strong influence or control"),
    "D5.against_peers": _("Forced to act against other workers or victims"),
    "D5.forced_lie": _("Forced to lie to the authorities, family or others"),
    "D5.threat_denunciation": _("Threatened with being reported to the police or immigration"),
    "D5.threat_worse": _("Threatened with even worse conditions"),
    "D5.violence_family": _("Family threatened or hurt"),
    "D5.withholding_wages": _("Wages held back"),
    "D5.threat_inform": _("Threatened that family, community or the public would be told"),
    # D6 — abuse of vulnerability at destination
    "D6.dependency": _("Dependent on the exploiters (for housing, food, papers…)"),
    "D6.unknown_area": _("Struggles in an unfamiliar place"),
    "D6.economic": _("Poverty or money problems"),
    "D6.family_situation": _("Family situation"),
    "D6.authorities_status": _("Difficult relationship with the authorities or legal status"),
    "D6.past_difficulties": _("Hard experiences in the past"),
    "D6.personal_characteristics": _("Personal characteristics (age, health, disability…)"),
}

MISSING_LABELS: dict[str, Promise] = {
    "act": _("An act: was the person recruited, transported, transferred, housed or received?"),
    "means": _("A means: was force, threat, deception or abuse of a vulnerable situation used?"),
    "purpose": _("A purpose: what was the person meant to be exploited for?"),
    "will_overridden": _("Whether the exploitation overrode the person's will and left no way out (Morocco)"),
    "profile": _("The person's age at the time, to choose the indicator set"),
    "indicators": _("The indicators observed (tick them, or say none were observed)"),
}

#: Notes and warnings, by code. The engine's English text stays in the technical details.
MESSAGE_LABELS: dict[str, Promise] = {
    # legal frames
    "will_overridden": _(
        "The exploitation overrode the person's will and left the person no way to change the situation. "
        "Being paid does not change this."
    ),
    "child_rule": _(
        "The person was a child when it happened: what was done and why is enough; "
        "no force, threat or deception has to be shown."
    ),
    "presumption_of_minority": _(
        "The age is uncertain but there are reasons to believe the person was under 18: the person is treated "
        "as a child for assistance."
    ),
    "consent_irrelevant": _(
        "Consent does not count here: a person cannot consent to exploitation once force, threat, deception "
        "or abuse was used, and a child never can."
    ),
    "possible_other_offences": _(
        "There may be exploitation without the means of trafficking: consider labour or other offences, and "
        "keep checking whether force, threat, deception or abuse was used."
    ),
    "check_acts": _(
        "No act was recorded. Check whether the person was recruited, transported, handed over, housed or "
        "received — housing and receiving are often overlooked."
    ),
    "purpose_is_intent": _(
        "The exploitation does not have to have happened yet: the intention to exploit is enough."
    ),
    "purpose_not_enumerated": _(
        "This purpose is not named in this frame: it may still be exploitation or another offence. "
        "Ask for a legal review."
    ),
    "act_not_enumerated": _("This act is not named in this frame: ask for a legal review."),
    "means_not_enumerated": _("This means is not named in this frame: ask for a legal review."),
    "aggravating_circumstance": _(
        "Aggravating circumstance (for information only; it does not change the indication)."
    ),
    "unverified_sources": _(
        "Some rules used here have not yet been checked against the official legal text."
    ),
    # age
    "age_mismatch": _("The age given does not match the dates; the dates were used."),
    "age_dates_incomplete": _(
        "Age is taken at the time of the act: give both the date of birth and the date of the act, "
        "or the age at the time."
    ),
    "believed_minor_not_applied": _(
        "'Believed to be a minor' was ticked but the age is recorded as certain. Tick 'age uncertain' if the "
        "age is an estimate."
    ),
    "age_unknown": _(
        "The age at the time of the act is not known, so the rules for children cannot be applied. Give a date "
        "of birth and the date of the act, the age at the time, or tick 'believed to be a minor'."
    ),
    # ILO/EC indicators
    "profile_derived": _("Indicator set chosen from the age at the time and the purposes recorded."),
    "profile_age_mismatch": _("The indicator set chosen does not match the age at the time; the chosen set was used."),
    "indicator_set_not_available": _(
        "There are no verified weights for this indicator set yet (sexual exploitation). "
        "Use the legal frames for this situation."
    ),
    "indicators_ignored": _("Some indicators are not part of this indicator set and were not counted."),
    "indicator_weight_disputed": _("The weight of this indicator is disputed between sources."),
    "dimension_positive": _("This dimension is met."),
    "combination_rule": _("How the dimensions combine into an indication."),
    "exploitation_without_trafficking_dimensions": _(
        "Exploitative conditions were found, but not the recruitment or destination signs that would make "
        "it trafficking."
    ),
    "unverified_combination_rule": _(
        "The rule that combines the dimensions is a reconstruction, not yet checked against the ILO document."
    ),
    "unverified_weights": _("The weights of these indicators come from one copy and are not yet verified."),
}

AGGRAVATION_LABELS: dict[str, Promise] = {
    "ma-448-4-minor": _("Victim under 18: heavier penalties (Morocco, art. 448-4)."),
    "ma-448-3-threats-violence": _(
        "Threats or violence: heavier penalties may apply (Morocco, art. 448-3); check whether they do."
    ),
    "es-177bis-4-minor": _("Victim a minor: heavier penalty (Spain, art. 177 bis.4)."),
    "eu-art-4-2-a-child": _("Victim a child: heavier penalties (EU Directive, art. 4(2)(a))."),
}

COMBINATION_LABELS: dict[str, Promise] = {
    "ILO_COMBINE_ADULT_V1": _(
        "Adults: a recruitment dimension (1, 2 or 3), exploitative conditions (4) and a destination "
        "dimension (5 or 6) must all be met."
    ),
    "ILO_CHILD_V1_recruitment_and_exploitation": _(
        "Children: a recruitment dimension (1, 2 or 3) and exploitative conditions (4) must be met."
    ),
    "ILO_CHILD_V2_act_and_exploitation": _(
        "Children: an act (recruited, transported, housed…) and exploitative conditions (4) must be met."
    ),
}


def code_label(code: str) -> str:
    """The plain-language label of any act, means, purpose, indicator, profile or aggravation code; the code
    itself when it has none (a rule set may add codes before the screens know them)."""
    for table in (ACT_LABELS, MEANS_LABELS, PURPOSE_LABELS, INDICATOR_LABELS, PROFILE_LABELS, AGGRAVATION_LABELS,
                  COMBINATION_LABELS, RULESET_LABELS):
        if code in table:
            return str(table[code])
    return code


def missing_label(item: str) -> str:
    """``"D5|D6"`` → "One of: <dimension 5> or <dimension 6>"; element names → their question."""
    if item in MISSING_LABELS:
        return str(MISSING_LABELS[item])
    dims = item.split("|")
    if all(d in DIMENSION_LABELS for d in dims):
        names = [f"{d[1]}. {DIMENSION_LABELS[d]}" for d in dims]
        if len(names) == 1:
            return str(_("Dimension %(name)s") % {"name": names[0]})
        return str(_("One of these dimensions: %(names)s") % {"names": " · ".join(names)})
    return item
