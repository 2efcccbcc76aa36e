"""Referrals (inside the instance and across the border), the instance's keys, the partner directory,
the outbound retry queue and the replay cache.

One `Referral` row per referral *per instance*:

- `internal`: to a team of the same organisation or to another organisation on this instance;
  `case` is the sender's case, `recipient_case` the case the recipient opened (never visible to the
  sender; the sender's case is never visible to the recipient).
- `outgoing`: to a partner instance (`partner`); the other instance keeps its own `incoming` row with
  the same `exchange_id` (the referral UUID carried in every envelope). An exchange id is unique per
  partner, whichever the direction: (partner, exchange id) names one referral.
- `incoming`: from a partner instance; no sender case here, only the package it sent.

The shared package and every free-text note are sealed (`jisr.crypto.services.seal`) under
`data_key`: the person's own data key for internal and outgoing referrals (erasing her shreds them),
a key of the referral's own for incoming ones (destroyed when the sender withdraws or consent ends).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.common.models import BaseModel
from jisr.referrals.statemachine import State


class Direction(models.TextChoices):
    INTERNAL = "internal", _("Inside this instance")
    OUTGOING = "outgoing", _("To a partner abroad")
    INCOMING = "incoming", _("From a partner abroad")


class ReferralState(models.TextChoices):
    DRAFT = State.DRAFT.value, _("Draft")
    SENT = State.SENT.value, _("Sent")
    RECEIVED = State.RECEIVED.value, _("Received")
    ACCEPTED = State.ACCEPTED.value, _("Accepted")
    DECLINED = State.DECLINED.value, _("Declined")
    IN_SERVICE = State.IN_SERVICE.value, _("In service")
    COMPLETED = State.COMPLETED.value, _("Completed")
    WITHDRAWN = State.WITHDRAWN.value, _("Withdrawn")
    CANCELLED = State.CANCELLED.value, _("Cancelled (consent withdrawn)")
    EXPIRED = State.EXPIRED.value, _("Expired")


class Category(models.TextChoices):
    """Data package categories the sender picks (Bulgarian NRM SOP 1.4: consent per data category)."""

    IDENTITY = "identity", _("Identity (names, date of birth or age, sex, nationality, languages)")
    CONTACT = "contact", _("Contact (phone)")
    SCREENING = "screening", _("Screening result")
    CARE_PLAN = "care_plan", _("Care-plan summary")
    RISK = "risk", _("Risk and safety information")
    DOCUMENTS = "documents", _("Identity documents")


class ReferralReason(models.TextChoices):
    """HTCDS 2.0 `cas_ReasonForOutgoingReferral` picklist."""

    ADDITIONAL_SERVICES = "AdditionalServicesRequired", _("Additional services required")
    MIGRATION = "MigrationOrChangeOfLocation", _("Migration or change of location (including return)")
    OTHER = "Other", _("Other")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity at the moment")
    OUTSIDE_MANDATE = "outside_mandate", _("Outside our mandate")
    NOT_REACHABLE = "not_reachable", _("The person could not be reached")
    PERSON_DECLINED = "person_declined", _("The person declined the service")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    SERVICES_PROVIDED = "services_provided", _("Services provided")
    PERSON_LEFT = "person_left", _("The person left the service")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class SharingEnded(models.TextChoices):
    """Why what a referral shared is no longer held on this side although its state goes on
    (`Referral.sharing_ended`): the consent it rested on ended, or the sender erased her identity.
    Codes only: they travel in the `sharing_ended` notice between instances."""

    CONSENT_WITHDRAWN = "consent_withdrawn", _("The consent it rested on was withdrawn")
    CONSENT_EXPIRED = "consent_expired", _("The consent it rested on has expired")
    SENDER_ERASED = "sender_erased", _("The sender erased the person's identity")


class InstanceKey(BaseModel):
    """This instance's identity keys. One current row (`retired_at` null); retired rows stay a while
    so envelopes sealed to the previous key can still be opened during a rotation. The private keys
    are sealed under `data_key`, itself wrapped by the master key (rotated with `jisr rotate_keys`)."""

    instance_id = models.UUIDField()
    name = models.CharField(max_length=100)
    data_key = models.OneToOneField("crypto.DataKey", on_delete=models.PROTECT, related_name="+")
    signing_private = models.BinaryField(editable=False)
    encryption_private = models.BinaryField(editable=False)
    signing_public = models.BinaryField(editable=False)
    encryption_public = models.BinaryField(editable=False)
    fingerprint = models.CharField(max_length=39)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["instance_id"], condition=models.Q(retired_at__isnull=True),
                                    name="one_current_instance_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.fingerprint}"


class Partner(BaseModel):
    """Another Jisr instance we exchange referrals with. Its keys are pinned when added; it becomes
    usable only once a person confirms the fingerprint out of band (`confirmed_at`)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="partners",
                                     help_text="our organisation that works with this partner")
    country = models.CharField(_("country"), max_length=2, blank=True)
    inbox_url = models.URLField(_("inbox URL"), max_length=300)
    instance_id = models.UUIDField(unique=True)
    signing_public = models.BinaryField(editable=False)
    encryption_public = models.BinaryField(editable=False)
    fingerprint = models.CharField(max_length=39)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class PartnerPreviousKey(BaseModel):
    """A partner's public keys as they were pinned before a rotation (`services.partner_rotate_keys`).

    Kept as the history of which keys we trusted when (`created_at` = when they were replaced). The
    signing key still verifies that partner's envelopes until `accepted_until` — envelopes it signed
    before it rotated may still be in flight — and never after; `accepted_until` = `created_at` when
    the old keys must not be trusted any more (compromise) or were never confirmed."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="previous_keys")
    signing_public = models.BinaryField(editable=False)
    encryption_public = models.BinaryField(editable=False)
    fingerprint = models.CharField(max_length=39)
    accepted_until = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner} {self.fingerprint} (previous)"


class Referral(BaseModel):
    direction = models.CharField(max_length=16, choices=Direction.choices)
    exchange_id = models.UUIDField(help_text="the referral id shared by both instances")
    state = models.CharField(_("state"), max_length=16, choices=ReferralState.choices, default=State.DRAFT.value)

    # Sender side (internal / outgoing).
    sender_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="referrals_sent")
    sender_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="referrals_out")
    consent = models.ForeignKey("care.Consent", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="referrals")

    # Recipient side (internal / incoming).
    recipient_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="referrals_received")
    recipient_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="referrals_received")
    recipient_case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="referrals_in")
    # The partner instance at the other end (outgoing: recipient; incoming: sender).
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    # Name of the recipient as the consent names it (team, organisation or partner), or of the sender.
    counterpart_label = models.CharField(max_length=200)

    categories = models.JSONField(default=list)
    reason = models.CharField(_("reason"), max_length=32, choices=ReferralReason.choices)
    consent_proof = models.JSONField(default=dict, blank=True,
                                     help_text="purpose, given_on, language, given_by, reference — no names")
    data_key = models.ForeignKey("crypto.DataKey", on_delete=models.PROTECT, related_name="+")
    package = models.BinaryField(null=True, editable=False)  # sealed JSON: {category: {HTCDS field: value}}
    message = models.BinaryField(null=True, editable=False)  # sealed note to the recipient
    decline_reason = models.CharField(_("reason for declining"), max_length=24, choices=DeclineReason.choices,
                                      blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    answer_by = models.DateTimeField(_("answer expected by"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What was shared is gone on this side for this reason (SharingEnded), whatever the state: the state
    # machine's ends wipe it too, but a completed or accepted referral keeps its state.
    sharing_ended = models.CharField(max_length=24, choices=SharingEnded.choices, blank=True)
    sharing_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # An exchange id names one referral between us and a partner, whichever way it went: a partner
            # cannot reuse the id of one of our referrals to it for one of its own (a decoy that would take
            # the status updates of ours), and partners' ids never collide with each other's.
            models.UniqueConstraint(fields=["partner", "exchange_id"], condition=models.Q(partner__isnull=False),
                                    name="referral_exchange_per_partner"),
            # Inside this instance (no partner) an exchange id is the referral's own id.
            models.UniqueConstraint(fields=["direction", "exchange_id"], condition=models.Q(partner__isnull=True),
                                    name="referral_exchange_internal"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def organisation(self):  # type: ignore[no-untyped-def]
        """The organisation whose audit chain records this referral's events on this side."""
        return self.sender_organisation or self.recipient_organisation

    @property
    def sender_name(self) -> str:
        """Who sent the referral, as this side names them: the partner instance for a referral from a
        partner (its name in our partner directory), otherwise the sending organisation on this instance.
        Never the recipient (`counterpart_label` names the recipient on the sender's side). Reads
        `partner` or `sender_organisation`: select them with the referral."""
        if self.direction == Direction.INCOMING:
            return self.partner.name if self.partner is not None else self.counterpart_label
        return self.sender_organisation.name if self.sender_organisation is not None else ""


class ReferralTransition(BaseModel):
    """One applied transition, as both screens show it (the audit chain holds the same event)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    event = models.CharField(max_length=16)
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    remote = models.BooleanField(default=False, help_text="applied from the partner's signed envelope")
    code = models.CharField(max_length=24, blank=True, help_text="decline reason or outcome code")
    note = models.BinaryField(null=True, editable=False)  # sealed under the referral's data key

    class Meta:
        ordering = ["created_at"]


class OutboundMessage(BaseModel):
    """An envelope waiting for delivery to a partner (the retry queue), or delivered. The blob is
    already sealed to the partner: it holds no readable personal data.

    `payload` keeps what the blob says (the unsigned payload JSON) while it waits, sealed under the
    referral's `data_key` (the person's own key for an outgoing referral, so erasing her shreds it as it
    shreds the referral), so that the envelope can be sealed again to a partner's new key when its keys
    are rotated (`services.partner_rotate_keys`). NULL once delivered or expired, and when the referral's
    key was already destroyed when it was queued (an incoming referral whose access ended)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbound")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="outbound")
    message_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=16)
    event = models.CharField(max_length=16, blank=True)
    blob = models.BinaryField(editable=False)
    payload = models.BinaryField(null=True, editable=False)  # sealed under referral.data_key (see above)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=64, blank=True)
    maybe_delivered = models.BooleanField(
        default=False, help_text="an attempt failed in a way that may still have left it with the partner "
        "(transport.may_have_arrived): the partner may hold it though it is not marked delivered")

    class Meta:
        ordering = ["created_at"]


class SeenMessage(models.Model):
    """Replay cache: ids of envelopes already accepted, kept at least until they expire. Only accepted
    envelopes: a refused one is remembered in `RefusedEnvelope`, which decides nothing."""

    message_id = models.UUIDField(primary_key=True)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()


class RefusedEnvelope(BaseModel):
    """An inbound envelope already refused and put on record (`services.inbox_receive`): one row per
    envelope and refusal code, so that the same envelope refused again (anyone holding a copy may post it
    again and again) adds no second audit event. Kept until `forget_after` (`services.REFUSAL_MEMORY`
    after the refusal), then pruned (`services.envelope_refusals_prune`).

    `key` names the envelope: ``message:<sender instance id>:<message id>`` when its signature verified
    (a confirmed partner signed that id), otherwise ``sha256:<hex digest of its bytes>`` — an envelope
    nobody vouches for is never named by the message id it claims. This table is never asked whether to
    accept an envelope (that is the replay cache's, `SeenMessage`): so no refused envelope, signed or
    not, can make a partner's genuine envelope look like a replay, and an envelope refused today (say,
    a status that arrived before its referral) is still accepted when it comes again and fits."""

    key = models.CharField(max_length=100)
    code = models.CharField(max_length=24)
    forget_after = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["key", "code"], name="refused_envelope_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.key}"
