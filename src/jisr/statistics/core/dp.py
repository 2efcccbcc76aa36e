"""Differentially private count tables and privacy-budget arithmetic. Pure (no Django).

Mechanism: OpenDP's discrete Laplace (`make_laplace` over integers; "geometric" is its older name)
on a histogram in which each person counts in exactly one cell, so the L1 sensitivity is 1 and the
scale is 1/ε (ε-DP, pure). OpenDP computes the privacy loss itself: `measurement.map(1)` must not
exceed the ε charged to the ledger, or the release is refused. Noisy counts are then clamped at 0
(post-processing: no further privacy cost).

Budget: the total ε of a dataset is finite; sequential releases add up (basic composition, the
worst case CTDC itself describes). `charge` refuses a release that would exceed the budget.
Amounts are Decimal so that the ledger adds up exactly and audit details never hold floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class BudgetExceededError(ValueError):
    """The release would spend more privacy budget than remains: `requested`, what is `left` of `total`
    (None for a mechanism that would spend more than it was charged). The text is for developers; the
    screens build a translated message from the amounts."""

    def __init__(
        self, message: str, *, requested: Decimal | None = None, left: Decimal | None = None,
        total: Decimal | None = None,
    ) -> None:
        super().__init__(message)
        self.requested = requested
        self.left = left
        self.total = total


@dataclass(frozen=True)
class NoisyTable:
    counts: list[int]
    epsilon: Decimal
    scale: float
    accuracy_95: float  # half-width: |noise| ≤ this with probability 0.95


def remaining(total: Decimal, spent: Decimal) -> Decimal:
    return max(Decimal(0), total - spent)


# A release must spend a meaningful ε, stated with at most 4 decimals (the ledger's precision): a tiny ε
# would be recorded as 0 and allow unlimited releases; a huge one is no privacy at all.
MIN_EPSILON = Decimal("0.01")
MAX_EPSILON = Decimal("10")


def check_epsilon(epsilon: Decimal) -> Decimal:
    """`epsilon` if it is a finite number in [MIN_EPSILON, MAX_EPSILON] with at most 4 decimals;
    ValueError otherwise."""
    if not epsilon.is_finite() or not MIN_EPSILON <= epsilon <= MAX_EPSILON:
        raise ValueError(f"ε must be between {MIN_EPSILON} and {MAX_EPSILON}")
    if epsilon != epsilon.quantize(Decimal("0.0001")):
        raise ValueError("ε may have at most 4 decimals")
    return epsilon


def charge(*, total: Decimal, spent: Decimal, epsilon: Decimal) -> Decimal:
    """The budget spent after charging `epsilon`; BudgetExceededError when it would pass `total`,
    ValueError for an ε outside [0.01, 10] or with more than 4 decimals (see check_epsilon)."""
    check_epsilon(epsilon)
    if spent + epsilon > total:
        left = remaining(total, spent)
        raise BudgetExceededError(f"ε {epsilon} requested, {left} left of {total}", requested=epsilon, left=left,
                                  total=total)
    return spent + epsilon


def _opendp() -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")  # discrete Laplace on vectors is a contrib component in OpenDP 0.16
    return dp


def noisy_counts(counts: list[int], epsilon: Decimal) -> NoisyTable:
    """ε-DP counts of a histogram (each person in one cell). Raises ValueError for ε outside
    [0.01, 10]."""
    check_epsilon(epsilon)
    dp = _opendp()
    scale = 1.0 / float(epsilon)
    measurement = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)
    loss = float(measurement.map(1))
    if loss > float(epsilon) * (1 + 1e-9):
        raise BudgetExceededError(f"OpenDP reports ε {loss} for the mechanism, more than the {epsilon} charged")
    released = [max(0, int(v)) for v in measurement([int(c) for c in counts])]
    accuracy = float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=0.05))
    return NoisyTable(released, epsilon, scale, accuracy)
