"""gouji index: parse, check and store every document's facts; unchanged files are skipped."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import InputError
from corpus.readers import check_path, document_groups
from corpus.vocab import normalize
from retrieval.aliases import department_names, item_synonyms
from retrieval.store import FactStore


@dataclass
class IndexResult:
    indexed: list[str]
    skipped: list[str]
    failed: list[tuple[str, str]]


def sha256(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def item_of(text: str) -> str | None:
    """The item a subject names, by the synonyms people use (longest first)."""
    text = normalize(text)
    return next((concept for word, concept in item_synonyms() if normalize(word) in text), None)


def passages(document) -> list[tuple]:
    rows = []
    for part in document.parts:
        label = f"{part.number} {part.title}".strip()
        for paragraph in part.paragraphs:
            rows.append((label, "", paragraph.text, paragraph.span.line, paragraph.span.end_line, paragraph.span.page))
        for section in part.walk_sections():
            for paragraph in section.paragraphs:
                rows.append((label, section.title, paragraph.text, paragraph.span.line, paragraph.span.end_line,
                             paragraph.span.page))
    return rows


def facts(document, report, statements) -> tuple[dict, list[tuple], list[tuple], list[tuple]]:
    meta = document.metadata
    record = {"path": document.path, "sha256": "", "department": meta.department,
              "aliases": "|".join(department_names(meta.department)) if meta.department else "",
              "region": meta.region, "year": meta.year, "kind": meta.kind, "scope": meta.scope,
              "template": meta.template, "pages": document.page_count}
    cells = [(t.kind, t.title, r.label, r.code, r.concept, r.side, c.column, c.printed, float(c.value), c.span.line,
              c.span.page) for t in document.tables for r in t.rows for c in r.cells if c.certain]
    claims = []
    for statement in statements:
        section = statement.section.title if statement.section else statement.part
        for claim in statement.claims:
            claims.append((statement.subject, item_of(statement.subject) or statement.concept, statement.code,
                           claim.kind, claim.printed,
                           float(claim.value) if claim.value is not None else None, claim.unit, claim.base,
                           claim.year, claim.direction, section, claim.span.line, claim.span.end_line,
                           claim.span.page, statement.sentence.text.strip()))
    found = [(f.rule, f.family, f.severity, f.message, f.stated, f.expected, f.line,
              f.evidence[0].page if f.evidence else None, f.evidence[0].quote if f.evidence else "")
             for f in report.findings]
    return record, cells, claims, found


@dataclass
class Prepared:
    """One document's facts and chunks, computed in a worker and stored by the one writer."""

    path: str
    digest: str
    record: dict
    cells: list[tuple]
    claims: list[tuple]
    findings: list[tuple]
    passages: list[tuple]
    chunks: list


def prepare(group: list[str], digest: str) -> Prepared | tuple[str, str]:
    """Parse and check one document (picklable result, so it can run in another process)."""
    from checker.runner import check_document
    from corpus import InputError, parse_document
    from corpus.deadline import time_limit
    from retrieval.chunks import chunks

    try:
        with time_limit(group[0]):
            document = parse_document(*group)
            report = check_document(document)
    except InputError as error:
        return group[0], error.problem
    record, cells, claims, found = facts(document, report, report.statements)
    record["sha256"] = digest
    return Prepared(group[0], digest, record, cells, claims, found, passages(document), chunks(document))


def index(paths: list[str], store: FactStore, progress: Callable[[str], None] | None = None,
          vectors=None, mapper: Callable[..., Iterable] = map) -> IndexResult:
    """Index documents into the fact store and, when given, the text index. Parsing and checking run
    through `mapper` (a map over local processes or Ray tasks: ui.batch.workers); this process alone
    writes. The text index is written first and the fact store last, so a run killed in between
    re-indexes that document next time."""
    result = IndexResult([], [], [])
    todo: list[tuple[list[str], str]] = []
    for group in document_groups(paths):
        path = group[0]
        try:
            for file in group:
                check_path(file)  # missing, a folder, too large: the same one line as gouji check
            digest = sha256(group)
        except InputError as error:
            result.failed.append((error.path, error.problem))
            continue
        except OSError as error:
            result.failed.append((error.filename or path, f"cannot read: {error.strerror}"))
            continue
        # unchanged only if its chunks are there too: facts stored by a --facts-only run (or a text index
        # removed since) would otherwise never reach the text index, and search would silently miss them
        if store.sha256_of(path) == digest and (vectors is None or vectors.has(path)):
            result.skipped.append(path)
            if progress:
                progress(path)
            continue
        todo.append((group, digest))
    if todo:
        _store_all(mapper(prepare, *zip(*todo)), store, vectors, progress, result)
    return result


def _store_all(prepared, store: FactStore, vectors, progress, result: IndexResult) -> None:
    for item in prepared:
        if isinstance(item, tuple):
            result.failed.append(item)
        else:
            if vectors is not None:
                vectors.replace(item.path, item.chunks)
            store.replace(item.record, item.cells, item.claims, item.findings, item.passages)
            result.indexed.append(item.path)
        if progress:
            progress(item[0] if isinstance(item, tuple) else item.path)
