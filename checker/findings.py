"""What a check reports: findings with their evidence, and the tally of checks run."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "rounding", "note")


@dataclass(frozen=True)
class Evidence:
    kind: str  # text | table
    line: int
    end_line: int
    page: int | None
    quote: str
    table: str | None = None
    row: str | None = None
    column: str | None = None


@dataclass
class Finding:
    rule: str
    family: str
    severity: str
    message: str
    stated: str | None = None
    expected: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.evidence[0].line if self.evidence else 0


@dataclass
class Tally:
    run: int = 0
    passed: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # why checks were skipped, where a rule says

    def add(self, outcome: str) -> None:
        """outcome: passed | failed | skipped, or "skipped: why" (a check that could not run is never
        counted as passed)."""
        if outcome.startswith("skipped"):
            self.skipped += 1
            if reason := outcome.removeprefix("skipped").lstrip(": "):
                self.reasons[reason] = self.reasons.get(reason, 0) + 1
            return
        self.run += 1
        if outcome == "passed":
            self.passed += 1
