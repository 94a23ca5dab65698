"""The question sets (tests/questions/*.toml, written from the documents): load them, ask them over an
indexed corpus, and say per entry what is wrong. Used by tests/test_questions.py and bench/question_set.py."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

HERE = Path(__file__).parent
KNOWN = HERE / "known_failures.toml"
QUERY_KEYS = ("operator", "measure", "item", "departments", "years", "kind", "scope", "order", "top", "direction",
              "threshold", "regions")


def entries() -> list[dict]:
    found = []
    for path in sorted(HERE.glob("*.toml")):
        if path == KNOWN:
            continue
        with path.open("rb") as handle:
            for entry in tomllib.load(handle)["q"]:
                found.append({**entry, "file": path.name})
    return found


def known_failures() -> dict[str, str]:
    """Entries that fail for a reason outside question answering (a misread document: issue 12), each with
    that reason; the test expects them to fail, and to be taken off this list when they pass."""
    if not KNOWN.exists():
        return {}
    with KNOWN.open("rb") as handle:
        return {entry["id"]: entry["reason"] for entry in tomllib.load(handle)["known"]}


def ask(answerer, entry: dict):
    previous = None
    for question in entry.get("context", []):
        previous = answerer.ask(question, previous)
    return answerer.ask(entry["question"], previous)


def _department_keys(names) -> set[str]:
    from retrieval.names import department_key

    return {department_key(name) for name in names}


def problems(entry: dict, answer) -> list[str]:
    """What in the answer contradicts the entry (empty when it is right)."""
    wrong = []
    if answer.status != entry.get("status", "answered"):
        wrong.append(f"status {answer.status!r}, expected {entry.get('status', 'answered')!r}")
    query = answer.query.to_dict() if answer.query else {}
    for key, expected in (entry.get("query") or {}).items():
        if key not in QUERY_KEYS:
            continue
        got = query.get(key)
        if key == "departments":
            if _department_keys(got or []) != _department_keys(expected):
                wrong.append(f"departments {got}, expected {expected}")
        elif key == "threshold":
            if expected and (not got or got["op"] != expected.get("op") or float(got["value"]) != float(
                    expected.get("value")) or got["unit"] != expected.get("unit")):
                wrong.append(f"threshold {got}, expected {expected}")
        elif key == "years":
            if sorted(got or []) != sorted(expected):
                wrong.append(f"years {got}, expected {expected}")
        elif key == "regions":
            if set(got or []) != set(expected):
                wrong.append(f"regions {got}, expected {expected}")
        elif (got or None) != (expected or None):
            wrong.append(f"{key} {got!r}, expected {expected!r}")
    text = answer.answer.replace(",", "")
    for figure in entry.get("figures", []):
        if str(figure).replace(",", "") not in text:
            wrong.append(f"figure {figure} missing")
    for figure in entry.get("absent_figures", []):
        if re.search(rf"(?<![\d.]){re.escape(str(figure).replace(',', ''))}(?![\d])", text):
            wrong.append(f"figure {figure} should not be there")
    paths = [citation.path for citation in answer.citations]
    for name in entry.get("cites", []):
        if not any(name in path for path in paths):
            wrong.append(f"no citation of {name}")
    if any(citation.line <= 0 or not citation.quote for citation in answer.citations):
        wrong.append("a citation without line or quote")
    return wrong
