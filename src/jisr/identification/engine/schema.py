"""Schema of the rule-set files (``identification/rulesets/*.yaml``), as pydantic v2 models.

A rule-set file is data, not code: acts, means and purposes of a legal frame, or the ILO/EC dimensions,
indicator weights and combination variants. Every rule, item and indicator carries its ``source``
(document, article, page, url, confidence tag of identification.md) and a ``verified`` mark.
``verified`` is ``false`` wherever identification.md tags the fact [C] ("verify against the primary
before release") or leaves it open, and for mappings that are our own reading.

Models are frozen and reject unknown keys, so a typo in a file fails loudly instead of being ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from .codes import ACT_CODES, DIMENSION_IDS, MEANS_CODES, PROFILES, PURPOSE_CODES

Confidence = Literal["A", "B", "C", "open"]
Weight = Literal["S", "M", "W"]
DimensionId = Literal["D1", "D2", "D3", "D4", "D5", "D6"]

_INDICATOR_CODE = re.compile(r"^(D[1-6])\.[a-z][a-z0-9_]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """Where a rule comes from. ``confidence`` is identification.md's tag: A, B, C or open."""

    document: StrictStr = Field(min_length=1)
    article: StrictStr | None = None
    page: StrictStr | None = None
    url: StrictStr | None = None
    confidence: Confidence

    def cite(self) -> str:
        """Short citation, e.g. ``"UN Trafficking in Persons Protocol (2000), art. 3(b)"``."""
        parts = [self.document]
        if self.article:
            parts.append(self.article)
        if self.page:
            parts.append(self.page)
        return ", ".join(parts)


class Rule(_Model):
    """A named legal or scoring rule: what it says (paraphrased), its source, whether it is verified."""

    text: StrictStr = Field(min_length=1)
    source: Source
    verified: StrictBool


class Item(_Model):
    """One act, means or purpose that a legal frame recognises, with the frame's own term for it."""

    code: StrictStr
    term: StrictStr = Field(min_length=1)
    source: Source
    verified: StrictBool
    note: StrictStr | None = None


class PurposeList(_Model):
    """The exploitation purposes of a frame. ``open`` = "at a minimum" (a floor); ``closed`` = exhaustive.

    Either way a purpose outside ``items`` gives ``NEEDS_LEGAL_REVIEW``, never a silent negative.
    """

    kind: Literal["open", "closed"]
    rule: Rule
    items: tuple[Item, ...] = Field(min_length=1)


class LegalRules(_Model):
    """The element rules every legal frame states (Palermo art. 3(b)-(d) and their national equivalents)."""

    child_definition: Rule
    child_rule: Rule
    consent_irrelevant: Rule
    presumption_of_minority: Rule


class Aggravation(_Model):
    """An informative aggravating circumstance (penalty band); reported in ``notes``, never decides."""

    id: StrictStr = Field(min_length=1)
    text: StrictStr = Field(min_length=1)
    when_child: StrictBool = False
    when_means_any: tuple[StrictStr, ...] = ()
    source: Source
    verified: StrictBool

    @model_validator(mode="after")
    def _has_condition(self) -> Aggravation:
        if not self.when_child and not self.when_means_any:
            raise ValueError("an aggravation needs a condition: when_child or when_means_any")
        unknown = sorted(set(self.when_means_any) - MEANS_CODES)
        if unknown:
            raise ValueError(f"when_means_any: unknown means codes {unknown}")
        return self


class LegalRuleSet(_Model):
    """A legal frame: act / means / purpose elements and a child rule (Palermo art. 3 and its descendants)."""

    id: StrictStr
    version: StrictStr = Field(pattern=r"^\d+\.\d+\.\d+$")
    kind: Literal["legal"]
    title: StrictStr = Field(min_length=1)
    document: Source
    child_age: StrictInt = Field(ge=1, le=21)
    rules: LegalRules
    acts: tuple[Item, ...] = Field(min_length=1)
    means: tuple[Item, ...] = Field(min_length=1)
    purposes: PurposeList
    qualifier: Rule | None = None
    aggravating: tuple[Aggravation, ...] = ()

    @model_validator(mode="after")
    def _codes_are_known(self) -> LegalRuleSet:
        for name, items, vocabulary in (
            ("acts", self.acts, ACT_CODES),
            ("means", self.means, MEANS_CODES),
            ("purposes.items", self.purposes.items, PURPOSE_CODES),
        ):
            codes = [item.code for item in items]
            for index, code in enumerate(codes):
                if code not in vocabulary:
                    raise ValueError(f"{name}[{index}].code: {code!r} is not in the shared vocabulary")
            if len(set(codes)) != len(codes):
                raise ValueError(f"{name}: a code is listed twice")
        if "other" in {item.code for item in self.purposes.items}:
            raise ValueError("purposes.items: 'other' can never be an enumerated purpose")
        return self

    def purpose_codes(self) -> frozenset[str]:
        """Purpose codes this frame enumerates."""
        return frozenset(item.code for item in self.purposes.items)


class Dimension(_Model):
    """One of the six ILO/EC dimensions (WCMS_105023)."""

    id: DimensionId
    name: StrictStr = Field(min_length=1)
    phase: Literal["recruitment", "exploitation", "destination"]


class Indicator(_Model):
    """One weighted indicator. Its dimension is the code's prefix (``D4.excessive_hours`` is in D4)."""

    code: StrictStr
    label: StrictStr = Field(min_length=1)
    weight: Weight
    source: Source
    verified: StrictBool
    note: StrictStr | None = None

    @model_validator(mode="after")
    def _code_shape(self) -> Indicator:
        if not _INDICATOR_CODE.match(self.code):
            raise ValueError(f"code {self.code!r} must look like 'D1.some_name' (dimension D1-D6)")
        return self

    @property
    def dimension(self) -> str:
        """``"D1"`` … ``"D6"``."""
        return self.code.split(".", 1)[0]


class IndicatorSet(_Model):
    """One of the four sets. ``available: false`` ships the set with no weights (→ RULESET_NOT_AVAILABLE)."""

    available: StrictBool
    title: StrictStr = Field(min_length=1)
    source: Source
    verified: StrictBool
    note: StrictStr | None = None
    indicators: tuple[Indicator, ...] = ()

    @model_validator(mode="after")
    def _weights_iff_available(self) -> IndicatorSet:
        if self.available and not self.indicators:
            raise ValueError("an available set needs indicators")
        if not self.available and self.indicators:
            raise ValueError("a set that is not available must carry no weights (never borrow another set's)")
        codes = [indicator.code for indicator in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicators: a code is listed twice")
        return self

    def weights(self) -> dict[str, Indicator]:
        """Indicators by code."""
        return {indicator.code: indicator for indicator in self.indicators}


class CombinationVariant(_Model):
    """A named rule for combining positive dimensions into an indication.

    INDICATED when every group in ``groups`` has at least one positive dimension and, if
    ``requires_act``, the observation records an act.
    """

    id: StrictStr = Field(min_length=1)
    applies_to: Literal["adult", "child"]
    groups: tuple[tuple[DimensionId, ...], ...] = Field(min_length=1)
    requires_act: StrictBool = False
    text: StrictStr = Field(min_length=1)
    source: Source
    verified: StrictBool


class DefaultVariants(_Model):
    """The variant used when the caller does not choose one."""

    adult: StrictStr
    child: StrictStr


class IloRuleSet(_Model):
    """The ILO/EC 2009 operational indicators: dimensions, weights, dimension rule, combination variants."""

    id: StrictStr
    version: StrictStr = Field(pattern=r"^\d+\.\d+\.\d+$")
    kind: Literal["ilo"]
    title: StrictStr = Field(min_length=1)
    document: Source
    dimensions: tuple[Dimension, ...]
    dimension_rule: Rule
    combination_variants: tuple[CombinationVariant, ...] = Field(min_length=2)
    default_variants: DefaultVariants
    indicator_sets: dict[StrictStr, IndicatorSet]

    @model_validator(mode="after")
    def _consistent(self) -> IloRuleSet:
        if tuple(d.id for d in self.dimensions) != DIMENSION_IDS:
            raise ValueError(f"dimensions: must be exactly {', '.join(DIMENSION_IDS)} in that order")
        if set(self.indicator_sets) != set(PROFILES):
            raise ValueError(f"indicator_sets: must be exactly {', '.join(PROFILES)}")
        ids = [variant.id for variant in self.combination_variants]
        if len(set(ids)) != len(ids):
            raise ValueError("combination_variants: an id is listed twice")
        for age_group in ("adult", "child"):
            chosen = getattr(self.default_variants, age_group)
            variant = self.variant(chosen)
            if variant is None or variant.applies_to != age_group:
                raise ValueError(f"default_variants.{age_group}: {chosen!r} is not a {age_group} variant")
        return self

    def variant(self, variant_id: str) -> CombinationVariant | None:
        """The combination variant called ``variant_id``, or ``None``."""
        return next((v for v in self.combination_variants if v.id == variant_id), None)


RuleSet = Annotated[LegalRuleSet | IloRuleSet, Field(discriminator="kind")]
