"""Figures in words, the one way every answer writes them: 万元 with two decimals, signed changes, rates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.facts import Citation


@dataclass
class Measured:
    """One document's figure for the asked measure, in words, with what proves it."""

    value: float
    words: str
    citations: list[Citation]


def money(value: float) -> str:
    return f"{value:,.2f} 万元"


def signed_money(value: float) -> str:
    return f"{'增加' if value > 0 else '减少' if value < 0 else '持平'}{'' if value == 0 else ' ' + money(abs(value))}"


def signed_count(value: float, unit: str = "人") -> str:
    return f"{'增加' if value > 0 else '减少' if value < 0 else '持平'}{'' if value == 0 else f' {abs(value):.0f} {unit}'}"


def signed_rate(value: float) -> str:
    return f"{'增长' if value > 0 else '下降' if value < 0 else '持平'}{'' if value == 0 else f' {abs(value):.2f}%'}"
