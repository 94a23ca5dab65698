"""gouji index: parse, check and store every disclosure's facts, once per disclosure; unchanged files are
skipped.

A folder may hold one disclosure in several forms (X.pdf, X.txt, X.layout.txt, X.pages.json) or as a
narrative file and a tables file: halves are paired, forms of one identity (department, year, 预算/决算,
部门/单位) compete on how well they were read, and the best is stored; every form seen is recorded with its
score, so a later run compares a new form with them without reading them again."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from corpus.errors import InputError
from corpus.readers import check_path, document_groups
from corpus.vocab import normalize, strip_ordinal
from retrieval.datafolder import StoreUnwritable, no_space
from retrieval.identity import STYLE_PREFERENCE, Half, content_of, identity_of, pair_halves, read_score
from retrieval.items import concept_in
from retrieval.names import department_forms, department_key, is_template


@dataclass
class IndexResult:
    indexed: list[str]
    skipped: list[str]
    failed: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)  # which form of a disclosure was stored, and over what


def sha256(paths: list[str]) -> str:
    """The content's digest, read as the readers read (regular files only, never more than the limit)."""
    from corpus.readers import read_bytes

    digest = hashlib.sha256()
    for path in paths:
        digest.update(read_bytes(path))
    return digest.hexdigest()


def row_key(label: str) -> str:
    """A table row's name for matching: no white space, quotes or ordinal (“二、社会保障和就业支出” -> 社会保障和就业支出)."""
    return strip_ordinal(normalize(label or ""))


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


def claim_item(statement) -> tuple[str | None, str]:
    """(the item a statement is about, its 类/款/项 path): the path's last name; else the vocabulary concept;
    else the subject, unless it only restates (“支出决算为…” under the heading “行政运行（项）”): then the
    section heading's path."""
    from checker.claims import RESTATING, clean_subject, resolve_path

    subject = clean_subject(statement.subject or "")
    path = statement.path
    if not path and not statement.concept and (not subject or RESTATING.match(subject)
                                               or subject in generic_subjects()):
        path = resolve_path(statement.section.title if statement.section else "")
    names = "/".join(name for name, _, _ in path)
    if path:
        return normalize(path[-1][0]).lstrip("-—－–·、"), names
    return (statement.concept or concept_in(subject) or subject or None), names


@cache
def generic_subjects() -> frozenset[str]:
    from retrieval.items import items_data

    return frozenset(items_data()["generic_subjects"])


def facts(document, report, statements) -> tuple[dict, list[tuple], list[tuple], list[tuple], list[tuple],
                                                 list[tuple]]:
    meta = document.metadata
    named, bare = department_forms(meta.department, meta.region) if meta.department else (set(), set())
    record = {"path": document.path, "sha256": "", "department": meta.department,
              "aliases": "|".join(sorted(named)) + "||" + "|".join(sorted(bare)),
              "region": meta.region, "year": meta.year, "kind": meta.kind, "scope": meta.scope,
              "template": meta.template, "pages": document.page_count,
              "department_key": department_key(meta.department) if meta.department else None,
              "identity": None, "form": None, "style": document.style, "score": 0.0,
              "is_template": int(is_template(meta.department))}
    cells, terms = [], set()
    tables = [(t.kind, t.title, t.unit, len(t.rows), t.empty_statement, t.span.line, t.span.page)
              for t in document.tables]
    for table in document.tables:
        for column in table.columns:
            terms.add((column.key.split(":")[0], "column", None, None, table.kind))
        for row in table.rows:
            key = row_key(row.label)
            if key or row.code:
                terms.add((key, "row", row.code, row.code_kind, table.kind))
            for cell in row.cells:
                if cell.certain:
                    cells.append((table.kind, table.title, row.label, row.code, row.concept, row.side, cell.column,
                                  cell.printed, float(cell.value), cell.span.line, cell.span.page, key,
                                  row.code_kind, int(row.is_total)))
    claims = []
    for number, statement in enumerate(statements):
        section = statement.section.title if statement.section else statement.part
        item, path = claim_item(statement)
        for claim in statement.claims:
            claims.append((statement.subject, statement.concept, statement.code, claim.kind, claim.printed,
                           float(claim.value) if claim.value is not None else None, claim.unit, claim.base,
                           claim.year, claim.direction, section, claim.span.line, claim.span.end_line,
                           claim.span.page, statement.sentence.text.strip(), number, item, path))
            if claim.kind == "count" and item:
                terms.add((item, "count", None, None, None))
    found = [(f.rule, f.family, f.severity, f.message, f.stated, f.expected, f.line,
              f.evidence[0].page if f.evidence else None, f.evidence[0].quote if f.evidence else "")
             for f in report.findings]
    amounts = sum(1 for claim in claims if claim[3] == "amount")
    record["score"] = read_score(document, report, amounts)
    record["identity"] = identity_of(meta.department, meta.year, meta.kind, meta.scope)
    return record, cells, claims, found, sorted(terms, key=lambda t: tuple(str(x) for x in t)), tables


@dataclass
class Prepared:
    """One form's facts and chunks, computed in a worker and stored by the one writer."""

    path: str  # the document's path (its first file)
    form: str  # its files, joined by '+'
    digest: str
    content: str  # full | narrative | tables
    record: dict
    cells: list[tuple]
    claims: list[tuple]
    findings: list[tuple]
    passages: list[tuple]
    terms: list[tuple]
    tables: list[tuple]
    chunks: list

    @property
    def identity(self) -> str:
        return self.record["identity"] or f"form:{self.form}"

    @property
    def rank(self) -> tuple:
        return self.record["score"], STYLE_PREFERENCE.get(self.record["style"], 0), self.form


def prepare(group: list[str], digest: str) -> Prepared | tuple[str, str]:
    """Parse and check one form (picklable result, so it can run in another process)."""
    from checker.runner import check_document
    from corpus import InputError, parse_document
    from corpus.deadline import time_limit
    from corpus.errors import unexpected
    from retrieval.chunks import chunks

    try:
        with time_limit(group[0]):
            document = parse_document(*group)
            report = check_document(document)
    except InputError as error:
        return group[0], error.problem
    except Exception as error:  # noqa: BLE001 - one file's failure is that file's one line
        return group[0], unexpected(group[0], error).problem
    record, cells, claims, found, terms, tables = facts(document, report, report.statements)
    form = "+".join(group)
    record["sha256"], record["form"] = digest, form
    return Prepared(group[0], form, digest, content_of(document), record, cells, claims, found, passages(document),
                    terms, tables, chunks(document))


def _inode(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _digest(group: list[str]) -> str:
    for file in group:
        check_path(file)  # missing, a folder, too large: the same one line as gouji check
    return sha256(group)


class _Run:
    """One `gouji index` run: what was prepared, and what to store."""

    def __init__(self, store, vectors, mapper, progress, result: IndexResult):
        self.store, self.vectors, self.mapper, self.progress, self.result = store, vectors, mapper, progress, result

    def prepare_all(self, todo: list[tuple[list[str], str]], tick: bool = False) -> list[Prepared]:
        out = []
        for item in (self.mapper(prepare, *zip(*todo)) if todo else []):
            if isinstance(item, tuple):
                self.result.failed.append(item)
            else:
                out.append(item)
            if tick and self.progress:
                self.progress(item[0] if isinstance(item, tuple) else item.path)
        return out

    def unchanged(self, form: str, digest: str) -> bool:
        row = self.store.form(form)
        if row is None or row["sha256"] != digest:
            return False
        if row["role"] == "part":  # a half: unchanged while the pair it is part of is
            partner = row["note"].removeprefix("part of ")
            try:
                return self.unchanged(partner, _digest(partner.split("+")))
            except (InputError, OSError):
                return False
        if row["role"] != "chosen":
            return True
        path = form.split("+")[0]
        stored = self.store.query("SELECT chunks FROM documents WHERE form = ?", (form,))
        # unchanged only with every chunk in the text index (a half-written index keeps its 256 of 278)
        return bool(stored) and (self.vectors is None or self.vectors.chunk_count(path) == stored[0]["chunks"])

    def same_file_stored(self, group: list[str], digest: str) -> bool:
        """The file is stored already under another spelling of its path (./a.txt, a.txt, a symlink)."""
        if len(group) != 1:
            return False
        for row in self.store.query("SELECT form FROM forms WHERE sha256 = ? AND form != ? AND role = 'chosen'",
                                    (digest, group[0])):
            other = row["form"]
            try:
                if "+" not in other and os.path.samefile(other, group[0]):
                    return True
            except OSError:
                continue
        return False

    def forget_moved(self, group: list[str], digest: str) -> None:
        """A stored form with these bytes whose file is gone was renamed to this one: it moves here, it is
        not kept beside it (one disclosure, one document)."""
        for row in self.store.query("SELECT form FROM forms WHERE sha256 = ? AND form != ?", (digest, "+".join(group))):
            other = row["form"]
            if any(os.path.lexists(part) for part in other.split("+")):
                continue
            self.store.forget_form(other)
            if self.vectors is not None:
                self.vectors.replace(other.split("+")[0], [])

    def pair(self, prepared: list[Prepared]) -> list[Prepared]:
        """Halves prepared now, with halves seen before that are still there unchanged, paired and prepared as
        one document; the halves themselves are kept aside as parts."""
        fresh = {p.form: p for p in prepared if p.content in ("narrative", "tables")}
        if not fresh:
            return prepared
        halves = [Half(p.form, p.content, p.record["year"], p.record["department_key"]) for p in fresh.values()]
        folders = {str(Path(form).parent) for form in fresh}
        for row in self.store.query("SELECT * FROM forms WHERE content IN ('narrative', 'tables')"):
            form = row["form"]
            if form in fresh or "+" in form or str(Path(form).parent) not in folders or not Path(form).is_file():
                continue
            try:
                if _digest([form]) == row["sha256"]:
                    halves.append(Half(form, row["content"], None, None))
            except (InputError, OSError):
                continue
        pairs = pair_halves(halves)
        todo = []
        for narrative, tables in pairs:
            group = [narrative.form, tables.form]
            try:
                todo.append((group, _digest(group)))
            except (InputError, OSError) as error:
                self.result.failed.append((narrative.form, str(error)))
        combined = self.prepare_all(todo)
        paired = {half.form for pair in pairs for half in pair}
        parts = []
        for form in paired:
            row = fresh.get(form)
            digest = row.digest if row else self.store.form(form)["sha256"]
            content = row.content if row else self.store.form(form)["content"]
            partner = next("+".join(h.form for h in pair) for pair in pairs if form in (pair[0].form, pair[1].form))
            parts.append((form, digest, None, "part", content, None, f"part of {partner}"))
        self.orphan_forms(list(paired))
        self.store.record_forms(parts)
        return [p for p in prepared if p.form not in paired] + combined

    def orphan_forms(self, forms: list[str]) -> None:
        """Forms that no longer stand for the disclosure they were chosen for: that disclosure is chosen
        again from its other forms, or removed."""
        for form in forms:
            row = self.store.form(form)
            if row is None or row["role"] != "chosen":
                continue
            document = self.store.query("SELECT * FROM documents WHERE form = ?", (form,))
            if document:
                self.reconsider(row["identity"], [], exclude={form})

    def reconsider(self, identity: str, candidates: list[Prepared], exclude: frozenset | set = frozenset()) -> None:
        """Choose the best form of one disclosure among those prepared now and those recorded before (still
        on disk, unchanged), and store it unless it is stored already."""
        fresh = {p.form for p in candidates}
        recorded = [row for row in self.store.forms_of(identity)
                    if row["form"] not in fresh and row["form"] not in exclude and row["role"] != "part"
                    and all(Path(f).is_file() for f in row["form"].split("+"))]
        stored = self.store.document_of(identity)
        ranked: list[tuple[tuple, object]] = [(p.rank, p) for p in candidates]
        ranked += [((row["score"], -1, row["form"]), row) for row in recorded]
        if not ranked:
            if stored is not None and stored["form"] in exclude:
                self.store.remove(identity)
                if self.vectors is not None:
                    self.vectors.replace(stored["path"], [])
            return
        ranked.sort(key=lambda pair: pair[0], reverse=True)
        best = ranked[0][1]
        if not isinstance(best, Prepared):
            if stored is not None and stored["form"] == best["form"]:
                self._record(identity, candidates)
                return
            again = self.prepare_all([(best["form"].split("+"), best["sha256"])])
            if not again:
                return
            best = again[0]
        self._store(identity, best, [p for p in candidates if p is not best], stored, recorded)

    def _record(self, identity: str, others: list[Prepared]) -> None:
        """Forms that lost to the stored one: kept with their scores for the next run to compare."""
        self.store.record_forms([(p.form, p.digest, identity, "alternative", p.content, p.record["score"],
                                  "not chosen: the stored form read better") for p in others])

    def _store(self, identity: str, best: Prepared, others: list[Prepared], stored, recorded) -> None:
        # the chunks the text index must hold for it: a run killed halfway through them is seen next time
        record = {**best.record, "identity": identity, "chunks": len(best.chunks)}
        if self.vectors is not None:
            self.vectors.replace(best.path, best.chunks)
            if stored is not None and stored["path"] != best.path:
                self.vectors.replace(stored["path"], [])
        forms = [(best.form, best.digest, identity, "chosen", best.content, best.record["score"],
                  f"chosen over {len(others) + len(recorded)} other form(s)")]
        forms += [(p.form, p.digest, identity, "alternative", p.content, p.record["score"],
                   f"not chosen: {best.form} read better") for p in others]
        forms += [(row["form"], row["sha256"], identity, "alternative", row["content"], row["score"],
                   f"not chosen: {best.form} read better") for row in recorded if row["role"] == "chosen"]
        self.store.replace(record, best.cells, best.claims, best.findings, best.passages, best.terms, forms,
                           best.tables)
        self.result.indexed.append(best.path)
        if others or recorded:
            seen = [(p.form, p.record["score"]) for p in others] + [(r["form"], r["score"]) for r in recorded]
            self.result.notes.append(f"{best.form}: stored this form (read score {best.record['score']:.0f}) "
                                     f"for {identity}; also seen: "
                                     + ", ".join(f"{Path(f).name} ({s:.0f})" for f, s in seen))


def index(paths: list[str], store, progress: Callable[[str], None] | None = None,
          vectors=None, mapper: Callable[..., Iterable] = map) -> IndexResult:
    """Index documents into the fact store and, when given, the text index. Parsing and checking run
    through `mapper` (a map over local processes or Ray tasks: ui.batch.workers); this process alone
    writes. The text index is written first and the fact store last, so a run killed in between
    re-indexes that document next time."""
    result = IndexResult([], [], [])
    run = _Run(store, vectors, mapper, progress, result)
    todo: list[tuple[list[str], str]] = []
    files_seen: set[tuple[int, int]] = set()  # one file named twice in a run (./a.txt a.txt, a symlink) is read once
    for group in document_groups(paths):
        path = group[0]
        if len(group) == 1 and (inode := _inode(path)) is not None:
            if inode in files_seen:
                result.skipped.append(path)
                continue
            files_seen.add(inode)
        try:
            digest = _digest(group)
        except InputError as error:
            result.failed.append((error.path, error.problem))
            continue
        except OSError as error:
            result.failed.append((error.filename or path, f"cannot read: {error.strerror}"))
            continue
        if run.unchanged("+".join(group), digest) or run.same_file_stored(group, digest):
            result.skipped.append(path)
            if progress:
                progress(path)
            continue
        run.forget_moved(group, digest)
        todo.append((group, digest))
    prepared = run.pair(run.prepare_all(todo, tick=True))
    by_identity: dict[str, list[Prepared]] = {}
    for item in prepared:
        by_identity.setdefault(item.identity, []).append(item)
    # a form now read as another disclosure than before leaves its old one to be chosen again
    moved = [p.form for p in prepared if (row := store.form(p.form)) is not None and row["identity"] != p.identity]
    run.orphan_forms(moved)
    for number, (identity, candidates) in enumerate(by_identity.items()):
        try:
            run.reconsider(identity, candidates)
        except Exception as error:
            # a full disk fails every later write too: this document is said, the rest left for the next run
            if (detail := no_space(error)) is None:
                raise
            result.failed.append((candidates[0].path, str(StoreUnwritable(store.folder, detail))))
            result.notes.extend(f"{p.path}: not indexed, the data folder cannot be written"
                                for later in list(by_identity.values())[number + 1:] for p in later)
            break
    return result
