"""The fact store: every table cell, narrative claim and checker finding of every indexed disclosure, in one
SQLite file in the data folder. A disclosure is stored once, whatever forms it came in (`forms` says which
form was chosen and what else was seen); it is replaced in one transaction, so a crash never leaves half a
document behind."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from retrieval.datafolder import StoreDamaged, StoreUnwritable, no_space, writable

VERSION = 3  # PRAGMA user_version of the schema below; an older store is rebuilt by the next index
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, sha256 TEXT NOT NULL, department TEXT, aliases TEXT,
  region TEXT, year INTEGER, kind TEXT, scope TEXT, template TEXT, pages INTEGER,
  department_key TEXT, identity TEXT, form TEXT, style TEXT, score REAL, is_template INTEGER,
  chunks INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS forms (
  form TEXT PRIMARY KEY, sha256 TEXT NOT NULL, identity TEXT, role TEXT NOT NULL, content TEXT, score REAL,
  note TEXT);
CREATE TABLE IF NOT EXISTS cells (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, table_kind TEXT, table_title TEXT,
  row_label TEXT, code TEXT, concept TEXT, side TEXT, column_key TEXT, printed TEXT, value REAL,
  line INTEGER, page INTEGER, row_key TEXT, code_kind TEXT, is_total INTEGER);
CREATE TABLE IF NOT EXISTS claims (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, subject TEXT, concept TEXT, code TEXT,
  kind TEXT, printed TEXT, value REAL, unit TEXT, base TEXT, year INTEGER, direction INTEGER,
  section TEXT, line INTEGER, end_line INTEGER, page INTEGER, quote TEXT, statement INTEGER, item_key TEXT,
  path TEXT);
CREATE TABLE IF NOT EXISTS findings (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, rule TEXT, family TEXT, severity TEXT,
  message TEXT, stated TEXT, expected TEXT, line INTEGER, page INTEGER, quote TEXT);
CREATE TABLE IF NOT EXISTS passages (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, part TEXT, section TEXT, text TEXT,
  line INTEGER, end_line INTEGER, page INTEGER);
CREATE TABLE IF NOT EXISTS tables (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, table_kind TEXT, title TEXT, unit TEXT,
  rows INTEGER, empty TEXT, line INTEGER, page INTEGER);
CREATE TABLE IF NOT EXISTS terms (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, term TEXT, kind TEXT, code TEXT,
  code_kind TEXT, table_kind TEXT);
CREATE INDEX IF NOT EXISTS cells_document ON cells(document, table_kind);
CREATE INDEX IF NOT EXISTS cells_code ON cells(code);
CREATE INDEX IF NOT EXISTS cells_row ON cells(row_key);
CREATE INDEX IF NOT EXISTS cells_concept ON cells(concept, column_key);
CREATE INDEX IF NOT EXISTS claims_document_kind ON claims(document, kind);
CREATE INDEX IF NOT EXISTS claims_item ON claims(item_key, kind);
CREATE INDEX IF NOT EXISTS claims_concept ON claims(concept, kind);
CREATE INDEX IF NOT EXISTS findings_document ON findings(document);
CREATE INDEX IF NOT EXISTS passages_document ON passages(document);
CREATE INDEX IF NOT EXISTS terms_document ON terms(document);
CREATE INDEX IF NOT EXISTS tables_document ON tables(document);
CREATE INDEX IF NOT EXISTS documents_identity ON documents(identity);
CREATE INDEX IF NOT EXISTS forms_identity ON forms(identity);
CREATE INDEX IF NOT EXISTS forms_sha256 ON forms(sha256);
"""
TABLES = ("tables", "terms", "passages", "findings", "claims", "cells", "forms", "documents")


class FactStore:
    def __init__(self, folder: str | Path, verify: bool = False):
        """The store in `folder`. `verify` checks every page first (PRAGMA quick_check: what `gouji index`
        does before it writes); a store that cannot be read raises StoreDamaged, a folder that cannot be
        written is opened read-only."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "facts.sqlite"
        self.read_only = not writable(self.folder) and self.path.exists()
        self.lock = threading.Lock()  # the web app answers from worker threads: one connection, under a lock
        try:
            if self.read_only:
                # immutable: a WAL store read where its -shm file cannot be made (a read-only mount)
                self.connection = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                                  check_same_thread=False)
            else:
                self.connection = sqlite3.connect(self.path, check_same_thread=False)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            if self.read_only:
                self.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return
            self.connection.execute("PRAGMA journal_mode = WAL")
            if verify:
                problems = [row[0] for row in self.connection.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    raise StoreDamaged(self.path, "; ".join(problems)[:160])
            self._upgrade()
            self.connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            if detail := no_space(error):
                raise StoreUnwritable(self.folder, detail) from None
            raise StoreDamaged(self.path, str(error)) from None

    def _upgrade(self) -> None:
        """A store of an older schema holds facts in another shape: it is emptied (its documents are indexed
        again by the next `gouji index`, which finds them changed), and this is said once."""
        version = self.connection.execute("PRAGMA user_version").fetchone()[0]
        has_tables = self.connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if version == VERSION:
            return
        if has_tables:
            print(f"gouji: {self.path}: made by an older gouji; emptied, the next `gouji index` rebuilds it",
                  file=sys.stderr)
            with self.connection:
                for table in TABLES:
                    self.connection.execute(f"DROP TABLE IF EXISTS {table}")
        self.connection.execute(f"PRAGMA user_version = {VERSION}")

    def close(self) -> None:
        self.connection.close()

    def form(self, form: str) -> sqlite3.Row | None:
        return self.connection.execute("SELECT * FROM forms WHERE form = ?", (form,)).fetchone()

    def forms_of(self, identity: str) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM forms WHERE identity = ? ORDER BY form", (identity,))

    def document_of(self, identity: str) -> sqlite3.Row | None:
        found = self.query("SELECT * FROM documents WHERE identity = ?", (identity,))
        return found[0] if found else None

    def replace(self, document: dict, cells: Iterable[tuple], claims: Iterable[tuple], findings: Iterable[tuple],
                passages: Iterable[tuple] = (), terms: Iterable[tuple] = (),
                forms: Iterable[tuple] = (), tables: Iterable[tuple] = ()) -> None:
        """Store one disclosure's facts, replacing what an earlier run stored for the same identity or path,
        and record the forms it was chosen from ((form, sha256, identity, role, content, score, note))."""
        with self.lock, self.connection:
            self.connection.execute("DELETE FROM documents WHERE path = ? OR identity = ?",
                                    (document["path"], document["identity"]))
            cursor = self.connection.execute(
                "INSERT INTO documents (path, sha256, department, aliases, region, year, kind, scope, template, pages,"
                " department_key, identity, form, style, score, is_template, chunks) VALUES (:path, :sha256,"
                " :department, :aliases, :region, :year, :kind, :scope, :template, :pages, :department_key,"
                " :identity, :form, :style, :score, :is_template, :chunks)", {"chunks": 0, **document})
            key = cursor.lastrowid
            for table, width, rows in (("cells", 15, cells), ("claims", 19, claims), ("findings", 10, findings),
                                       ("passages", 7, passages), ("terms", 6, terms), ("tables", 8, tables)):
                self.connection.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * width)})",
                                            ((key, *row) for row in rows))
            self._record_forms(forms)

    def record_forms(self, forms: Iterable[tuple]) -> None:
        """Forms seen and not stored as a document (alternatives, halves of a pair)."""
        with self.lock, self.connection:
            self._record_forms(forms)

    def _record_forms(self, forms: Iterable[tuple]) -> None:
        self.connection.executemany("INSERT OR REPLACE INTO forms VALUES (?,?,?,?,?,?,?)", forms)

    def forget_form(self, form: str) -> None:
        """A form that is no more (its file renamed): its record and the document stored from it go."""
        with self.lock, self.connection:
            self.connection.execute("DELETE FROM documents WHERE form = ?", (form,))
            self.connection.execute("DELETE FROM forms WHERE form = ?", (form,))

    def remove(self, identity: str) -> None:
        """A disclosure none of whose forms is left: its facts go."""
        with self.lock, self.connection:
            self.connection.execute("DELETE FROM documents WHERE identity = ?", (identity,))

    def query(self, sql: str, parameters: tuple = ()) -> list[sqlite3.Row]:
        with self.lock, closing(self.connection.cursor()) as cursor:
            return cursor.execute(sql, parameters).fetchall()

    def documents(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM documents ORDER BY department, year, scope, kind")
