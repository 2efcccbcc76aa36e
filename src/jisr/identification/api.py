"""`POST /api/v1/identification/evaluate/`: the output document(s) for an observation; nothing is stored.

The body is the input document of identification-interface.md (the same JSON as `jisr identify FILE`);
`?ruleset=ID` returns that frame's output document, `?ruleset=all` (the default) every frame side by side
(`{ruleset_id: output document}`). Open to staff with a case role (case worker, supervisor, coordinator):
the engine holds no personal data, but the endpoint is part of case work, not a public service.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts.roles import Scope
from jisr.identification import engine
from jisr.identification.engine.codes import ACT_CODES, MEANS_CODES, PROFILES, PURPOSE_CODES


class HasCaseRole(permissions.BasePermission):
    """An authenticated member of an organisation whose role works on cases."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.capabilities.case_scope != Scope.NONE)


# --- Shapes for the OpenAPI schema (the engine validates the body itself, naming the field) ---------------


class IdentificationObservationSerializer(serializers.Serializer):
    """The input document (identification-interface.md). Every key is optional; for the code lists,
    null means *not established* and [] means *checked, none observed*."""

    date_of_birth = serializers.DateField(required=False, allow_null=True)
    act_date = serializers.DateField(required=False, allow_null=True, help_text="when the act took place")
    age_at_act = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=130,
                                          help_text="used when the dates are not known")
    age_uncertain = serializers.BooleanField(required=False, default=False)
    believed_minor = serializers.BooleanField(required=False, default=False,
                                              help_text="reasons to believe the person was under 18")
    acts = serializers.ListField(child=serializers.ChoiceField(sorted(ACT_CODES)), required=False, allow_null=True)
    means = serializers.ListField(child=serializers.ChoiceField(sorted(MEANS_CODES)), required=False,
                                  allow_null=True)
    purposes = serializers.ListField(child=serializers.ChoiceField(sorted(PURPOSE_CODES)), required=False,
                                     allow_null=True)
    exploitation_occurred = serializers.BooleanField(required=False, allow_null=True, help_text="informative only")
    consent = serializers.BooleanField(required=False, allow_null=True)
    will_overridden = serializers.BooleanField(required=False, allow_null=True,
                                               help_text="Morocco 448-1 qualifier")
    profile = serializers.ChoiceField(list(PROFILES), required=False, allow_null=True, help_text="ILO/EC only")
    indicators = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True,
                                       help_text="ILO/EC indicator codes, e.g. D1.nature_job")


class IdentificationMessageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="stable code; screens translate by it")
    message = serializers.CharField(help_text="English explanation")
    source = serializers.CharField(allow_null=True, help_text="the rule's citation")
    items = serializers.ListField(child=serializers.CharField())


class IdentificationDimensionSerializer(serializers.Serializer):
    positive = serializers.BooleanField()
    strong = serializers.IntegerField()
    medium = serializers.IntegerField()
    weak = serializers.IntegerField()


class IdentificationResultSerializer(serializers.Serializer):
    """The output document. An indication for assistance and referral, never a legal determination."""

    outcome = serializers.ChoiceField([o.value for o in engine.Outcome])
    ruleset = serializers.CharField()
    ruleset_version = serializers.CharField()
    child = serializers.BooleanField()
    presumption_of_minority_applied = serializers.BooleanField()
    elements = serializers.DictField(child=serializers.BooleanField(allow_null=True),
                                     help_text='{"act", "means", "purpose"}: true, false or null (legal frames)')
    dimensions = serializers.DictField(child=IdentificationDimensionSerializer(), help_text="D1…D6 (ILO/EC)")
    missing = serializers.ListField(child=serializers.CharField())
    warnings = IdentificationMessageSerializer(many=True)
    notes = IdentificationMessageSerializer(many=True)


class IdentificationResultMapSerializer(serializers.Serializer):
    """`?ruleset=all`: `{ruleset_id: output document}` for every frame."""

    def get_fields(self) -> dict[str, Any]:
        # The keys are the rule-set ids themselves, which are not Python identifiers.
        return {ruleset_id: IdentificationResultSerializer() for ruleset_id in engine.available_rulesets()}


class IdentificationErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    # Absent when the body is not JSON at all (DRF's parse error carries `detail` only).
    field = serializers.CharField(
        allow_null=True, required=False, help_text="the offending key, e.g. act_date or acts[0]"
    )


def _error(field: str | None, detail: str) -> Response:
    return Response({"detail": detail, "field": field}, status=status.HTTP_400_BAD_REQUEST)


class EvaluateView(APIView):
    """Evaluate an observation against one frame or all; nothing is stored and nothing is audited
    (no person or case is involved)."""

    permission_classes = [HasCaseRole]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="identification_evaluate",
        summary="Evaluate an observation (stores nothing)",
        description=__doc__,
        request=IdentificationObservationSerializer,
        parameters=[
            OpenApiParameter("ruleset", str, enum=["all", *engine.available_rulesets()],
                             description="a rule-set id, or all (default)"),
            OpenApiParameter("adult_variant", str, description="ILO/EC adult combination variant"),
            OpenApiParameter("child_variant", str, description="ILO/EC child combination variant"),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="IdentificationEvaluateResult",
                serializers=[IdentificationResultSerializer, IdentificationResultMapSerializer],
                resource_type_field_name=None,
            ),
            400: OpenApiResponse(IdentificationErrorSerializer, description="bad observation, rule set or variant"),
        },
    )
    def post(self, request: Request) -> Response:
        ruleset = request.query_params.get("ruleset", "all")
        variants = {key: request.query_params.get(key) or None for key in ("adult_variant", "child_variant")}
        try:
            observation = engine.Observation.from_dict(request.data)
        except engine.ObservationError as exc:
            return _error(exc.field, exc.message)
        try:
            if ruleset == "all":
                output: Any = engine.evaluate_all(observation, **variants)
            else:
                output = engine.evaluate(ruleset, observation, **variants)
        except engine.UnknownRuleSetError as exc:
            return _error("ruleset", str(exc))
        except engine.VariantError as exc:
            return _error("adult_variant" if "adult" in str(exc) else "child_variant", str(exc))
        return Response(output)
