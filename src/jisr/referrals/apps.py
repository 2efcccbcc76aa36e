from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def _sends(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and user.capabilities.case_scope != "none"


def _receives(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and (user.role == "partner_focal_point" or bool(user.capabilities.write_cases))


def _manages_partners(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and user.role == "coordinator"


class ReferralsConfig(AppConfig):
    name = "jisr.referrals"
    label = "referrals"
    verbose_name = gettext_lazy("Referrals")
    nav_items = [
        ("referrals:inbox", gettext_lazy("Referrals received"), _receives),
        ("referrals:outbox", gettext_lazy("Referrals sent"), _sends),
        ("referrals:partners", gettext_lazy("Partner instances"), _manages_partners),
    ]
    # Case timeline labels (web.views.action_labels) of the referral events a case's timeline shows.
    audit_action_labels = {
        "referral.register_person": gettext_lazy("Person registered from a referral"),
        "referral.send": gettext_lazy("Referral sent"),
        "referral.receive": gettext_lazy("Referral received"),
        "referral.accept": gettext_lazy("Referral accepted"),
        "referral.decline": gettext_lazy("Referral declined"),
        "referral.start_service": gettext_lazy("Service started under the referral"),
        "referral.complete": gettext_lazy("Referral completed"),
        "referral.withdraw": gettext_lazy("Referral withdrawn"),
        "referral.cancel": gettext_lazy("Referral cancelled: consent no longer in force"),
        "referral.expire": gettext_lazy("Referral expired without an answer"),
        "referral.reopen": gettext_lazy("Referral reopened"),
    }
