"""Recall on planted errors: edit one figure or word of a real document the way a drafter errs, check the
edited copy, and count the edit found when a new error or warning points at the edited line.

    .venv/bin/python bench/recall_edits.py [--per-kind N] [--list] [--doc WORD]

The documents are the seeds and corpus-extra's text forms. Every edit kind picks up to N places per
document (the same ones on every run), makes one edit per copy and prints, per kind, how many edits were
made and how many gouji reported. `--list` prints each missed edit. The labels in ../shared/labels measure
precision on what gouji reports; this measures what it reports of errors nobody labelled.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.rules import CheckContext
from checker.runner import _extractor, check_document
from corpus import parse_document
from corpus.numbers import chinese_ordinal

DOCUMENTS = [*sorted((ROOT / "corpus" / "samples").glob("*.txt")),
             *sorted(p for p in (ROOT.parent / "shared" / "corpus-extra").glob("*.txt")
                     if not p.name.endswith((".layout.txt", ".pdfparse.txt")))]


@dataclass(frozen=True)
class Edit:
    kind: str
    line: int  # 1-based line of the file
    old: str
    new: str


def _bumped(printed: str, step: int = 1) -> str:
    """The figure with its first decimal (or its last digit) raised: a typo a reader would not see."""
    digits = [i for i, ch in enumerate(printed) if ch.isdigit()]
    at = printed.index(".") + 1 if "." in printed and printed.index(".") + 1 < len(printed) else digits[-1]
    return printed[:at] + str((int(printed[at]) + step) % 10) + printed[at + 1:]


def _tenth_of_wan(printed: str, unit: str) -> str:
    """The figure 0.1 万元 off (a thousand 元): its first decimal in 万元, its thousands digit in 元. A change
    of one 元 in a table printed in whole 元 is within its rounding, not an error."""
    if unit != "元":
        return _bumped(printed)
    digits = [i for i, ch in enumerate(printed.split(".")[0]) if ch.isdigit()]
    if len(digits) < 4:
        return _bumped(printed)
    at = digits[-4]
    return printed[:at] + str((int(printed[at]) + 1) % 10) + printed[at + 1:]


def _raised(printed: str, by: int) -> str:
    places = len(printed.split(".")[1]) if "." in printed else 0
    return f"{float(printed.replace(',', '')) + by:.{places}f}"


def narrative_amounts(document, context) -> Iterator[Edit]:
    for statement in context.statements:
        located = context.links.get(id(statement))
        amount = next((c for c in reversed(statement.claims) if c.kind == "amount" and c.value), None)
        if located and amount and amount.span.line == amount.span.end_line:
            yield Edit("text amount ≠ its table cell", amount.span.line, amount.printed, _bumped(amount.printed))


def change_rates(document, context) -> Iterator[Edit]:
    for statement in context.statements:
        rate, change = statement.first("change_rate"), statement.first("change_amount")
        if rate and change and rate.value and statement.first("amount"):
            yield Edit("change rate", rate.span.line, rate.printed, _raised(rate.printed, 3))


def shares(document, context) -> Iterator[Edit]:
    for statement in context.statements:
        share = statement.first("share")
        if share and share.value and share.value < 90:
            yield Edit("share", share.span.line, share.printed, _raised(share.printed, 2))


def direction_words(document, context) -> Iterator[Edit]:
    flips = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长"}
    for statement in context.statements:
        change, rate = statement.first("change_amount"), statement.first("change_rate")
        if not (change and rate and change.value and change.direction):
            continue
        text = statement.paragraph.text[max(0, change.start - 4):change.start]
        word = next((w for w in flips if w in text), None)
        if word:
            yield Edit("direction word", change.span.line, word + change.printed, flips[word] + change.printed)


def title_years(document, context) -> Iterator[Edit]:
    year = document.metadata.year
    for part in document.parts:
        if year and str(year) in part.title:
            yield Edit("year in a part title", part.span.line, str(year), str(year - 1))


def title_placeholders(document, context) -> Iterator[Edit]:
    name = document.metadata.department
    for part in document.parts:
        if name and name in part.title:
            yield Edit("placeholder in a title", part.span.line, name, "XX")


def summary_rows(document, context) -> Iterator[Edit]:
    for table in document.tables:
        if table.kind != "收支总表":
            continue
        for row in table.rows:
            cell = row.cells[0] if row.cells else None
            if row.side == "支出" and chinese_ordinal(row.label) and cell and cell.value and cell.span.line:
                yield Edit("收支总表 类 row", cell.span.line, cell.printed, _tenth_of_wan(cell.printed, table.unit))


def execution_words(document, context) -> Iterator[Edit]:
    for paragraph in document.paragraphs():
        for match in re.finditer(r"决算数(小于|大于)预算数", paragraph.text):
            span = paragraph.span_of(match.start(), match.end())
            if span.line == span.end_line:
                flipped = "大于" if match.group(1) == "小于" else "小于"
                yield Edit("决算数大于/小于预算数", span.line, match.group(0), f"决算数{flipped}预算数")


KINDS: list[Callable] = [narrative_amounts, change_rates, shares, direction_words, title_years, title_placeholders,
                         summary_rows, execution_words]


def reported(report) -> set[tuple[str, str]]:
    return {(f.rule, f.message) for f in report.findings if f.severity in ("error", "warning")}


def reported_lines(report) -> set[int]:
    """Lines the unedited document already has an error or warning on: an edit there is not counted."""
    return {n for f in report.findings if f.severity in ("error", "warning")
            for e in f.evidence for n in range(e.line - 1, (e.end_line or e.line) + 2)}


def found(report, before: set, line: int) -> bool:
    for finding in report.findings:
        if finding.severity not in ("error", "warning") or (finding.rule, finding.message) in before:
            continue
        lines = {finding.line} | {n for e in finding.evidence for n in range(e.line, (e.end_line or e.line) + 1)}
        if any(abs(n - line) <= 1 for n in lines):
            return True
    return False


def spread(edits: list[Edit], count: int) -> list[Edit]:
    """Up to `count` edits spread over the document, each replacing text found once on its line."""
    if len(edits) <= count:
        return edits
    step = len(edits) / count
    return [edits[int(i * step)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--doc", default="")
    args = parser.parse_args()
    made: dict[str, int] = defaultdict(int)
    caught: dict[str, int] = defaultdict(int)
    missed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gouji-recall-") as folder:
        for path in DOCUMENTS:
            if args.doc not in path.name:
                continue
            document = parse_document(str(path))
            context = CheckContext(document, _extractor().statements(document))
            original = check_document(document)
            before, busy = reported(original), reported_lines(original)
            lines = path.read_text(encoding="utf-8").split("\n")
            for kind in KINDS:
                candidates = [e for e in kind(document, context)
                              if 0 < e.line <= len(lines) and lines[e.line - 1].count(e.old) == 1
                              and e.line not in busy]
                for edit in spread(candidates, args.per_kind):
                    edited = list(lines)
                    edited[edit.line - 1] = edited[edit.line - 1].replace(edit.old, edit.new)
                    copy = Path(folder) / path.name
                    copy.write_text("\n".join(edited), encoding="utf-8")
                    made[edit.kind] += 1
                    if found(check_document(parse_document(str(copy))), before, edit.line):
                        caught[edit.kind] += 1
                    else:
                        missed.append(f"{path.name}:{edit.line} {edit.kind}: {edit.old} → {edit.new}")
    print(f"{'edit':<28} {'made':>5} {'found':>6} {'recall':>7}")
    for kind, count in made.items():
        print(f"{kind:<28} {count:>5} {caught[kind]:>6} {caught[kind] / count:>7.0%}")
    total, hits = sum(made.values()), sum(caught.values())
    print(f"{'all':<28} {total:>5} {hits:>6} {hits / max(total, 1):>7.0%}")
    if args.list:
        print("\nmissed:")
        for line in missed:
            print(" ", line)


if __name__ == "__main__":
    main()
