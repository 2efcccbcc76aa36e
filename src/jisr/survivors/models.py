"""A person assisted by an organisation. Every identifying field is encrypted under her own data key
(see crypto/); only the pseudonymous code, sex, nationality, languages and an *estimated* age are in
clear, because statistics and screening need them and none identifies her alone."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from jisr.common.dates import age_on
from jisr.common.models import BaseModel

# Encrypted fields: (model field, human label). Values are text; lists are JSON text.
ENCRYPTED_FIELDS = (
    "given_name",
    "family_name",
    "given_name_latin",
    "family_name_latin",
    "aliases",
    "date_of_birth",
    "phone",
    "documents",
)


class Sex(models.TextChoices):
    """HTCDS 2.0 `prs_Gender` picklist (codes kept as the standard spells them)."""

    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender woman")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender man")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class AgePrecision(models.TextChoices):
    EXACT = "exact", _("Exact date of birth")
    YEAR = "year", _("Estimated, within a year")
    APPROXIMATE = "approximate", _("Estimated, within a few years")


class Person(BaseModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="persons")
    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text="pseudonymous code, e.g. MA-DEMO-2026-0001"
    )
    data_key = models.OneToOneField("crypto.DataKey", on_delete=models.PROTECT, related_name="person")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Encrypted (envelope ciphertext; see crypto.services.seal/unseal).
    given_name = models.BinaryField(null=True, editable=False)
    family_name = models.BinaryField(null=True, editable=False)
    given_name_latin = models.BinaryField(null=True, editable=False)
    family_name_latin = models.BinaryField(null=True, editable=False)
    aliases = models.BinaryField(null=True, editable=False)
    date_of_birth = models.BinaryField(null=True, editable=False)
    phone = models.BinaryField(null=True, editable=False)
    documents = models.BinaryField(null=True, editable=False)

    # In clear.
    sex = models.CharField(_("sex"), max_length=24, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = CountryField(_("nationality"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)
    age_precision = models.CharField(max_length=16, choices=AgePrecision.choices, default=AgePrecision.APPROXIMATE)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Set when her first case is opened (cases.services.case_open), never unset (cases are not deleted):
    # who may see a person without a case is decided by who registered her (persons_visible_to), and
    # this flag lets that be an index lookup instead of a search of the case table per person.
    has_case = models.BooleanField(default=False, editable=False)
    # Optimistic locking, as for cases: every correction (services.person_update) increments it, and an
    # edit form that was filled from another version is refused — two people correcting her record at
    # once see a conflict, never one silently overwriting the other.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["registered_by", "organisation"], condition=models.Q(has_case=False), name="person_unopened_idx"
            ),
            # The people list sorts the visible persons by registration time: with created_at beside the
            # key, PostgreSQL reads it from the index for each of a caseload's 2,000 persons instead of
            # the rows (bench/load: the page of ids 12.8 -> 5 ms). Other databases skip covering indexes.
            models.Index(fields=["id"], include=["created_at"], name="person_id_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_age__isnull=True) | models.Q(age_estimated_on__isnull=False),
                name="person_estimate_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_age__isnull=True) | models.Q(estimated_age__lte=120),
                name="person_estimated_age_plausible",
            ),
        ]

    def __str__(self) -> str:  # never a name: str() ends up in logs and admin
        return self.code

    __repr__ = __str__

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def age_on(self, on: dt.date, date_of_birth: dt.date | None = None) -> int | None:
        """Age in completed years on `on`: from the (decrypted) `date_of_birth` when given, else from the
        estimate and the date it was made. Derived every time, never stored."""
        return age_on(
            on, date_of_birth=date_of_birth, estimated_age=self.estimated_age, estimated_on=self.age_estimated_on
        )


class IndexKind(models.TextChoices):
    NAME = "name", "exact normalised name (given + family, any script)"
    NAME_KEY = "name_key", "transliteration key of the full name"
    PHONE = "phone", "E.164 phone number"
    DOCUMENT = "document", "normalised document number"
    NAME_PART = "name_part", "exact normalised given or family name alone (search by name)"
    NAME_PART_KEY = "name_part_key", "transliteration key of a given or family name alone"


class PersonIndex(models.Model):
    """Truncated blind index values of a person's names, phones and documents (one row per value).
    Equality on these finds *candidates*; plaintext comparison after decryption decides."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="index_entries")
    kind = models.CharField(max_length=16, choices=IndexKind.choices)
    value = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="person_index_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "value"], name="person_index_unique"),
        ]


class CodeSequence(models.Model):
    """Last number used for pseudonymous codes per organisation and year (locked on use)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="code_sequence_unique")]
