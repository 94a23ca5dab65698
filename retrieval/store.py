"""The fact store: every table cell, narrative claim and checker finding of every indexed document, in
one SQLite file in the data folder. A document is replaced in one transaction, so a crash never leaves
half a document behind."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, sha256 TEXT NOT NULL, department TEXT, aliases TEXT,
  region TEXT, year INTEGER, kind TEXT, scope TEXT, template TEXT, pages INTEGER);
CREATE TABLE IF NOT EXISTS cells (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, table_kind TEXT, table_title TEXT,
  row_label TEXT, code TEXT, concept TEXT, side TEXT, column_key TEXT, printed TEXT, value REAL,
  line INTEGER, page INTEGER);
CREATE TABLE IF NOT EXISTS claims (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, subject TEXT, concept TEXT, code TEXT,
  kind TEXT, printed TEXT, value REAL, unit TEXT, base TEXT, year INTEGER, direction INTEGER,
  section TEXT, line INTEGER, end_line INTEGER, page INTEGER, quote TEXT);
CREATE TABLE IF NOT EXISTS findings (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, rule TEXT, family TEXT, severity TEXT,
  message TEXT, stated TEXT, expected TEXT, line INTEGER, page INTEGER, quote TEXT);
CREATE TABLE IF NOT EXISTS passages (
  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, part TEXT, section TEXT, text TEXT,
  line INTEGER, end_line INTEGER, page INTEGER);
CREATE INDEX IF NOT EXISTS cells_concept ON cells(concept, column_key);
CREATE INDEX IF NOT EXISTS claims_concept ON claims(concept, kind);
"""


class FactStore:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "facts.sqlite"
        # the web app answers from worker threads: one connection, used under a lock
        self.connection = sqlite3.connect(self.path, check_same_thread=False)
        self.lock = threading.Lock()
        self.connection.row_factory = sqlite3.Row
        self.connection.execute("PRAGMA foreign_keys = ON")
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.executescript(SCHEMA)

    def close(self) -> None:
        self.connection.close()

    def sha256_of(self, path: str) -> str | None:
        row = self.connection.execute("SELECT sha256 FROM documents WHERE path = ?", (path,)).fetchone()
        return row["sha256"] if row else None

    def replace(self, document: dict, cells: Iterable[tuple], claims: Iterable[tuple], findings: Iterable[tuple],
                passages: Iterable[tuple] = ()) -> None:
        """Store one document's facts, replacing what an earlier run stored for the same path."""
        with self.lock, self.connection:
            self.connection.execute("DELETE FROM documents WHERE path = ?", (document["path"],))
            cursor = self.connection.execute(
                "INSERT INTO documents (path, sha256, department, aliases, region, year, kind, scope, template, pages)"
                " VALUES (:path, :sha256, :department, :aliases, :region, :year, :kind, :scope, :template, :pages)",
                document)
            key = cursor.lastrowid
            self.connection.executemany("INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                        ((key, *cell) for cell in cells))
            self.connection.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                        ((key, *claim) for claim in claims))
            self.connection.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)",
                                        ((key, *finding) for finding in findings))
            self.connection.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?)",
                                        ((key, *passage) for passage in passages))

    def query(self, sql: str, parameters: tuple = ()) -> list[sqlite3.Row]:
        with self.lock, closing(self.connection.cursor()) as cursor:
            return cursor.execute(sql, parameters).fetchall()

    def documents(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM documents ORDER BY department, year")
