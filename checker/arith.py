"""Comparing printed figures: exact, explained by display rounding, or a real contradiction.

Every printed figure is rounded to its last decimal, so a computed value carries an error envelope: half a
step per rounded input, propagated through the arithmetic. A difference inside the envelope is
'rounding'; outside it, an 'error'.
"""

from __future__ import annotations

from decimal import Decimal

from corpus.numbers import decimals

HUNDRED = Decimal(100)


def half_step(printed: str) -> Decimal:
    return Decimal(1).scaleb(-decimals(printed)) / 2


OUTCOME_ORDER = ("passed", "rounding", "error")  # a verdict's strength, best first


def verdict(stated: Decimal, expected: Decimal, envelope: Decimal, stated_half_step: Decimal) -> str:
    """passed: the stated figure is the expected one rounded; rounding: within the envelope of the inputs
    plus one step of the stated figure (templates truncate as often as they round); else error."""
    difference = abs(stated - expected)
    if difference <= stated_half_step:
        return "passed"
    if difference <= envelope + Decimal("2.2") * stated_half_step:  # a step, and a tenth of one to spare
        return "rounding"
    return "error"


# Amounts are kept to 0.01 万元; "2 万元" in a list is 2.00 with the zeros dropped, not a figure rounded
# to the unit, so a sum's envelope counts at most half a cent per figure.
CENT_HALF = Decimal("0.005")


def sum_envelope(printed_parts: list[str], printed_total: str) -> Decimal:
    return sum((min(half_step(p), CENT_HALF) for p in [*printed_parts, printed_total]), Decimal(0))


def ratio_envelope(numerator: Decimal, denominator: Decimal, numerator_half: Decimal, denominator_half: Decimal) -> Decimal:
    """Envelope of 100 × n / d when n and d are each off by up to their half steps."""
    if denominator == 0:
        return Decimal(0)
    d = abs(denominator)
    return HUNDRED * (numerator_half / d + abs(numerator) * denominator_half / (d * d))


def fmt(value: Decimal, places: int = 2) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places)):,}"
