"""Thin API views over the same services and scoped selectors as the screens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from jisr.accounts.models import User
from jisr.audit.services import audit_record
from jisr.cases import services as case_services
from jisr.cases.models import Case
from jisr.cases.selectors import case_get_for_user, case_notes, case_notes_for_user, cases_visible_to
from jisr.survivors.identity import Identity, IdentityDocument
from jisr.survivors.models import Person
from jisr.survivors.selectors import (
    DisplayIdentity,
    duplicate_suggestions,
    identities_for_list,
    identity_for_display,
    person_get_for_user,
    persons_visible_to,
)
from jisr.survivors.services import person_register, person_reveal

from . import serializers as s
from .parsers import Pagination
from .permissions import RecentSecondFactor

PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description="page size (default 50)"),
    OpenApiParameter("offset", int, description="index of the first row"),
]
UUID_RE = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


def _person_out(user: User, person: Person, shown: DisplayIdentity | None = None) -> dict[str, Any]:
    shown = shown or identity_for_display(user, person)
    return {
        "id": person.pk,
        "code": person.code,
        "sex": person.sex,
        "nationality": str(person.nationality or ""),
        "languages": person.languages,
        "age": shown.age,
        "identity": shown.__dict__,
        "created_at": person.created_at,
    }


def _identity(data: dict[str, Any]) -> Identity:
    return Identity(
        given_name=data["given_name"].strip(),
        family_name=data["family_name"].strip(),
        given_name_latin=data["given_name_latin"].strip(),
        family_name_latin=data["family_name_latin"].strip(),
        aliases=tuple(a.strip() for a in data["aliases"] if a.strip()),
        date_of_birth=data["date_of_birth"],
        phone=data["phone"],
        documents=tuple(IdentityDocument(**d) for d in data["documents"]),
    )


class PersonViewSet(viewsets.ViewSet):
    """People visible to the requesting user. Every read is audited."""

    queryset = Person.objects.none()  # for the schema's path type only; reads go through selectors
    lookup_value_regex = UUID_RE

    @extend_schema(responses=s.PaginatedPersons, parameters=PAGE_PARAMETERS)
    def list(self, request: Request) -> Response:
        paginator = Pagination()
        people = paginator.paginate_queryset(persons_visible_to(request.user).order_by("-created_at"), request) or []
        people = list(people)
        shown = identities_for_list(request.user, people)
        data = s.PersonOutSerializer(
            [_person_out(request.user, p, i) for p, i in zip(people, shown, strict=True)], many=True
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(responses=s.PersonOutSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        person = person_get_for_user(request.user, pk)
        return Response(s.PersonOutSerializer(_person_out(request.user, person)).data)

    @extend_schema(
        request=s.PersonInSerializer, responses={201: s.PersonOutSerializer, 409: s.DuplicateReportSerializer}
    )
    def create(self, request: Request) -> Response:
        """Register a person. When duplicate suggestions exist and `confirm_not_duplicate` is false,
        nothing is written and 409 returns the suggestions."""
        ser = s.PersonInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data, user = ser.validated_data, request.user
        org = user.organisation
        if org is None or not user.capabilities.register_persons:
            return Response({"detail": "this account may not register people"}, status=status.HTTP_403_FORBIDDEN)
        identity = _phone_normalised(_identity(data), org.country.code)
        if not data["confirm_not_duplicate"]:
            report = duplicate_suggestions(user, org, identity, estimated_age=data["estimated_age"])
            if report.candidates or report.hidden_match:
                return Response(s.DuplicateReportSerializer(report).data, status=status.HTTP_409_CONFLICT)
        person = person_register(
            actor=user,
            organisation=org,
            identity=identity,
            sex=data["sex"],
            nationality=data["nationality"],
            languages=data["languages"],
            estimated_age=data["estimated_age"],
            age_precision=data["age_precision"],
        )
        return Response(s.PersonOutSerializer(_person_out(user, person)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PersonInSerializer, responses=s.DuplicateReportSerializer)
    @action(detail=False, methods=["post"])
    def duplicates(self, request: Request) -> Response:
        """Duplicate suggestions for an identity, without registering anything (POST: no names in URLs)."""
        ser = s.PersonInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        org = request.user.organisation
        if org is None or not request.user.capabilities.register_persons:
            return Response({"detail": "this account may not register people"}, status=status.HTTP_403_FORBIDDEN)
        identity = _phone_normalised(_identity(ser.validated_data), org.country.code)
        report = duplicate_suggestions(request.user, org, identity, estimated_age=ser.validated_data["estimated_age"])
        return Response(s.DuplicateReportSerializer(report).data)

    @extend_schema(request=s.RevealInSerializer, responses=s.RevealOutSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, RecentSecondFactor])
    def reveal(self, request: Request, pk: str) -> Response:
        """Reveal one masked field with a reason (supervisors); audited. Where the role needs MFA, a second
        factor passed less than 10 minutes ago in this session (403 otherwise, nothing read)."""
        person = person_get_for_user(request.user, pk, log_read=False)
        ser = s.RevealInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        value = person_reveal(actor=request.user, person=person, **ser.validated_data)
        return Response({"field": ser.validated_data["field"], "value": value})


def _phone_normalised(identity: Identity, region: str) -> Identity:
    if not identity.phone:
        return identity
    from rest_framework.exceptions import ValidationError

    from jisr.crypto.normalise import normalise_phone

    try:
        phone = normalise_phone(identity.phone, region)
    except ValueError as exc:
        raise ValidationError({"phone": [str(exc)]}) from exc
    return Identity(**{**identity.__dict__, "phone": phone})


def _case_out(case: Case) -> dict[str, Any]:
    return s.CaseOutSerializer(case).data


class CaseViewSet(viewsets.ViewSet):
    """Cases visible to the requesting user, and the writes on them."""

    queryset = Case.objects.none()  # for the schema's path type only
    lookup_value_regex = UUID_RE

    @extend_schema(responses=s.PaginatedCases, parameters=PAGE_PARAMETERS)
    def list(self, request: Request) -> Response:
        """A page of the cases she may see; the read is audited as one `case.list_view` event naming the
        cases on the page (their ids only), as the people list is (`person.list_view`)."""
        paginator = Pagination()
        cases = paginator.paginate_queryset(cases_visible_to(request.user), request) or []
        if cases:
            audit_record(actor=request.user, action="case.list_view", details={"cases": [str(c.pk) for c in cases]})
        return paginator.get_paginated_response(s.CaseOutSerializer(cases, many=True).data)

    @extend_schema(responses=s.CaseOutSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_case_out(case_get_for_user(request.user, pk)))

    @extend_schema(request=s.CaseOpenSerializer, responses={201: s.CaseOutSerializer})
    def create(self, request: Request) -> Response:
        ser = s.CaseOpenSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        person = person_get_for_user(request.user, ser.validated_data["person"], log_read=False)
        case = case_services.case_open(actor=request.user, person=person, trm_stage=ser.validated_data["trm_stage"])
        return Response(_case_out(case), status=status.HTTP_201_CREATED)

    def _write(self, request: Request, pk: str, serializer: type[s.serializers.Serializer], fn: Any) -> Response:
        case = case_get_for_user(request.user, pk, log_read=False)
        ser = serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        fn(case, ser.validated_data)
        return Response(_case_out(case))

    @extend_schema(request=s.CaseAssignSerializer, responses=s.CaseOutSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        def do(case: Case, data: dict[str, Any]) -> None:
            assignee = User.objects.filter(
                username=data["assignee"], membership__organisation=case.organisation
            ).first()
            if assignee is None:
                raise ValueError("no such colleague in this organisation")
            case_services.case_assign(
                actor=request.user, case=case, assignee=assignee, expected_version=data["version"]
            )

        return self._write(request, pk, s.CaseAssignSerializer, do)

    @extend_schema(request=s.CaseStageSerializer, responses=s.CaseOutSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str) -> Response:
        return self._write(
            request,
            pk,
            s.CaseStageSerializer,
            lambda case, d: case_services.case_set_stage(
                actor=request.user, case=case, trm_stage=d["trm_stage"], expected_version=d["version"]
            ),
        )

    @extend_schema(request=s.CaseRiskSerializer, responses=s.CaseOutSerializer)
    @action(detail=True, methods=["post"])
    def risk(self, request: Request, pk: str) -> Response:
        return self._write(
            request,
            pk,
            s.CaseRiskSerializer,
            lambda case, d: case_services.case_set_risk(
                actor=request.user, case=case, risk_level=d["risk_level"], expected_version=d["version"]
            ),
        )

    @extend_schema(request=s.CaseCloseSerializer, responses=s.CaseOutSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._write(
            request,
            pk,
            s.CaseCloseSerializer,
            lambda case, d: case_services.case_close(
                actor=request.user, case=case, reason=d["reason"], expected_version=d["version"]
            ),
        )

    @extend_schema(request=s.NoteInSerializer, responses=s.CaseOutSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._write(
            request,
            pk,
            s.NoteInSerializer,
            lambda case, d: case_services.case_reopen(actor=request.user, case=case, note=d["body"]),
        )

    @extend_schema(methods=["GET"], responses=s.PaginatedNotes, parameters=PAGE_PARAMETERS)
    @extend_schema(methods=["POST"], request=s.NoteInSerializer, responses={201: s.NoteOutSerializer})
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: Request, pk: str) -> Response:
        """GET: the case's notes, newest first, a page at a time like every list of the API
        (`?limit=&offset=`, 50 by default, at most 200: a case followed for years has hundreds of notes):
        `{count, next, previous, results: [{id, author, created_at, body}]}`, `body` decrypted for the
        roles that work the case, null otherwise (cases.selectors.case_notes_for_user). POST `{body}`:
        add a note, 201 with it. 404 when the case is not visible to the user; each request is one
        `case.view` audit event (cases.selectors.case_get_for_user), whatever the page."""
        case = case_get_for_user(request.user, pk)
        if request.method == "POST":
            ser = s.NoteInSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            note = case_services.case_note_add(actor=request.user, case=case, body=ser.validated_data["body"])
            out = {
                "id": note.pk,
                "author": request.user.username,
                "created_at": note.created_at,
                "body": case_services.case_note_text(note),
            }
            return Response(s.NoteOutSerializer(out).data, status=status.HTTP_201_CREATED)
        paginator = Pagination()
        # Only the page's notes are fetched and decrypted (one unwrap of the person's key for all of them).
        page = paginator.paginate_queryset(case_notes(case), request) or []
        notes = [
            {"id": v.note.pk, "author": v.note.author.username, "created_at": v.note.created_at, "body": v.text}
            for v in case_notes_for_user(request.user, case, page)
        ]
        return paginator.get_paginated_response(s.NoteOutSerializer(notes, many=True).data)
