"""API shapes. Identity fields are given as the requesting role may see them (clear or masked)."""

from __future__ import annotations

from typing import Any

from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from jisr.cases.models import ClosureReason, RiskLevel, TrmStage
from jisr.common.dates import parse_date
from jisr.crypto.normalise import normalise_digits
from jisr.survivors.models import AgePrecision, Sex
from jisr.survivors.services import REVEALABLE_FIELDS


class IdentityOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    latin_name = serializers.CharField()
    date_of_birth = serializers.CharField()
    phone = serializers.CharField()
    documents = serializers.CharField()
    masked = serializers.BooleanField()
    erased = serializers.BooleanField()


class PersonOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    sex = serializers.CharField()
    nationality = serializers.CharField(allow_blank=True)
    languages = serializers.ListField(child=serializers.CharField())
    age = serializers.IntegerField(allow_null=True)
    identity = IdentityOutSerializer()
    created_at = serializers.DateTimeField()


class DigitsCharField(serializers.CharField):
    """Text in which Eastern Arabic digits are turned into ASCII digits."""

    def to_internal_value(self, data: Any) -> str:
        return normalise_digits(super().to_internal_value(data))


@extend_schema_field(OpenApiTypes.DATE)
class LenientDateField(serializers.Field):
    """A date as YYYY-MM-DD or DD/MM/YYYY, Eastern Arabic digits accepted."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return parse_date(str(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value: Any) -> str:
        return value.isoformat()


class DocumentInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["passport", "national_id", "residence_permit", "other"])
    number = DigitsCharField(max_length=64)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")


class PersonInSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    given_name_latin = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    family_name_latin = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    date_of_birth = LenientDateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True, default=None)
    age_precision = serializers.ChoiceField(choices=AgePrecision.choices, required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = CountryField(required=False, allow_blank=True, default="")
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False, default=list)
    phone = DigitsCharField(max_length=40, required=False, allow_blank=True, default="")
    documents = DocumentInSerializer(many=True, required=False, default=list)
    confirm_not_duplicate = serializers.BooleanField(
        default=False, help_text="true to register although duplicate suggestions exist"
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("estimated_age"), str):
            data = {**data, "estimated_age": normalise_digits(data["estimated_age"])}
        return super().to_internal_value(data)


class CandidateSerializer(serializers.Serializer):
    person = serializers.UUIDField(source="person.pk")
    code = serializers.CharField(source="person.code")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class DuplicateReportSerializer(serializers.Serializer):
    candidates = CandidateSerializer(many=True)
    hidden_match = serializers.BooleanField(
        help_text="a possible match exists that you cannot see: ask the coordinator"
    )


class RevealInSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=REVEALABLE_FIELDS)
    reason = serializers.CharField(min_length=5, max_length=500)


class RevealOutSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class CaseOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    person = serializers.UUIDField(source="person_id")
    person_code = serializers.CharField(source="person.code")
    organisation = serializers.SlugField(source="organisation.slug")
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)
    trm_stage = serializers.CharField()
    status = serializers.CharField()
    risk_level = serializers.CharField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    closure_reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()


class CaseOpenSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    trm_stage = serializers.ChoiceField(choices=TrmStage.choices, default=TrmStage.IDENTIFICATION)


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="the case version you last read (required); if the case changed since, 409 and nothing changes",
    )


class CaseAssignSerializer(VersionedSerializer):
    assignee = serializers.CharField(help_text="username of a case worker or supervisor of the organisation")


class CaseStageSerializer(VersionedSerializer):
    trm_stage = serializers.ChoiceField(choices=TrmStage.choices)


class CaseRiskSerializer(VersionedSerializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)


class CaseCloseSerializer(VersionedSerializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)


class NoteInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)


class NoteOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()
    body = serializers.CharField(
        allow_null=True, help_text="null when your role may not read notes, or the note cannot be read"
    )


def paginated(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The `{count, next, previous, results}` envelope of LimitOffsetPagination around `item`.
    `many=False`: the envelope itself is the response (drf-spectacular would otherwise document a list
    action's response as an array of envelopes)."""
    return extend_schema_serializer(many=False)(
        type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
            },
        )
    )


PaginatedPersons = paginated(PersonOutSerializer, "PaginatedPersons")
PaginatedCases = paginated(CaseOutSerializer, "PaginatedCases")
PaginatedNotes = paginated(NoteOutSerializer, "PaginatedNotes")
