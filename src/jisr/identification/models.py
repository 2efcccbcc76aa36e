"""Screenings: what a case worker observed on a case, and the engine's results, kept as immutable snapshots.

* A :class:`Screening` belongs to a case. Its observation (the engine's input document) may hold a date
  of birth, so it is stored encrypted under the person's data key (erasing her shreds it with the rest).
* A :class:`ScreeningResult` is one rule set's output document for one evaluation run, with the engine
  and rule-set versions that produced it. Results are append-only: re-evaluating (after a rule-set
  change, say) adds a new run of rows and never rewrites an old one, so what a case worker was shown on
  a given day can always be shown again. Output documents hold codes, counts and the age at the act,
  never a name.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.common.models import BaseModel


class ImmutableRowError(RuntimeError):
    """An attempt to change or delete a stored result (they are append-only)."""


class Screening(BaseModel):
    """One screening of a case: who recorded it, when, which rule sets, and the (encrypted) observation."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    # Denormalised from the case: the audit chain and scoped queries need it without a join.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rulesets = models.JSONField(_("frames applied"), default=list, help_text="rule-set ids, engine order")
    # Envelope ciphertext of the input document (JSON text); see crypto.services.seal/unseal.
    observation = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"screening {self.pk}"

    @property
    def latest_run(self) -> int:
        return self.results.aggregate(n=models.Max("run"))["n"] or 0

    @property
    def latest_results(self) -> list[ScreeningResult]:
        """The rows of the newest evaluation run, in the order the rule sets were applied."""
        rows = list(self.results.all())
        if not rows:
            return []
        newest = max(r.run for r in rows)
        order = {rid: i for i, rid in enumerate(self.rulesets)}
        return sorted((r for r in rows if r.run == newest), key=lambda r: order.get(r.ruleset, 99))


class ResultQuerySet(models.QuerySet["ScreeningResult"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError("screening results are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("screening results are append-only")


class ScreeningResult(BaseModel):
    """One rule set's output document for one evaluation run of a screening (append-only snapshot)."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="results")
    run = models.PositiveIntegerField(help_text="1 for the first evaluation, 2 for the first re-evaluation…")
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    engine_version = models.CharField(max_length=32)
    ruleset = models.CharField(max_length=40)
    ruleset_version = models.CharField(max_length=32)
    outcome = models.CharField(max_length=32)
    output = models.JSONField(help_text="the engine's output document, exactly as produced")

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["-run", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "run", "ruleset"], name="one_result_per_run_and_ruleset"),
        ]

    def __str__(self) -> str:
        return f"{self.ruleset} {self.ruleset_version}: {self.outcome}"

    @property
    def ruleset_label(self) -> str:
        from jisr.identification.labels import RULESET_LABELS

        return str(RULESET_LABELS.get(self.ruleset, self.ruleset))

    @property
    def outcome_label(self) -> str:
        from jisr.identification.labels import OUTCOME_LABELS

        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))

    @property
    def outcome_style(self) -> str:
        from jisr.identification.labels import OUTCOME_STYLES

        return OUTCOME_STYLES.get(self.outcome, "secondary")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError("screening results are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("screening results are append-only")
