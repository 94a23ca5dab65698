"""Figures from the fact store for an item in many documents at once, each with the citation that proves
it: the table cell where a table prints the item, else the narrative's figure; what the narrative states
about its change and share; counts; 年初预算 against 决算数."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.vocab import normalize
from retrieval.items import Item, items_data, synonyms
from retrieval.wording import Measured, money, signed_money, signed_rate

BATCH = 900  # document ids a query (SQLite's limit on parameters is 999)
TOTAL_ROWS = {"合计", "总计", ""}
ROW_TOTAL_SUFFIX = re.compile(r"(?:合计|小计|总计)$")


@dataclass
class Citation:
    path: str
    department: str
    year: int | None
    section: str | None
    table: str | None
    page: int | None
    line: int
    quote: str


@dataclass
class Fact:
    value: float
    citation: Citation
    source: str  # table | text | computed
    note: str = ""  # what the figure is, where that needs saying (预算数, a share computed …)


class Facts:
    def __init__(self, store, lexicon):
        self.store = store
        self.lexicon = lexicon
        self.by_id = {d["id"]: d for d in lexicon.documents}

    # ------------------------------------------------------------------ plumbing
    def rows(self, sql: str, ids: list[int], parameters: tuple = ()):
        """Rows of a query over many documents ("document IN ({ids})"), BATCH ids a query."""
        for start in range(0, len(ids), BATCH):
            part = ids[start:start + BATCH]
            yield from self.store.query(sql.format(ids=",".join("?" * len(part))), (*parameters, *part))

    def cite(self, document_id: int, line: int, page: int | None, quote: str, section: str | None = None,
             table: str | None = None) -> Citation:
        """A citation of a line of a stored document: the one way a cell, a claim, a finding or a passage is cited."""
        document = self.by_id[document_id]
        return Citation(document["path"], document["department"] or "", document["year"], section, table, page,
                        line, quote)

    def cell_citation(self, row) -> Citation:
        label = row["row_label"] or ""
        quote = f"{row['table_title']} {label} {row['column_key']}: {row['printed']}".replace("  ", " ").strip()
        return self.cite(row["document"], row["line"], row["page"], quote, table=row["table_title"])

    def claim_citation(self, row) -> Citation:
        return self.cite(row["document"], row["line"], row["page"], row["quote"], section=row["section"])

    # ------------------------------------------------------------------ amounts
    def amounts(self, item: Item, documents: list[dict], fund: Item | None = None) -> dict[int, Fact]:
        """{document id: the item's figure}: its table cell where a home table prints it, else the narrative's
        amount."""
        ids = [d["id"] for d in documents]
        found: dict[int, Fact] = {}
        if item.kind == "count":
            return self.counts(item, documents)
        homes = item.homes
        if fund is not None and item.kind == "科目":  # 一般公共预算 + 行政运行: that fund's table first
            homes = sorted(homes, key=lambda home: home != "一般公共预算支出表")
        if homes:
            cells: dict[int, list] = {}
            for row in self._cells(item, ids, homes):
                cells.setdefault(row["document"], []).append(row)
            for identifier, rows in cells.items():
                kind = self.by_id[identifier]["kind"]
                picked = self._pick(item, rows, homes, kind)
                if picked is not None:
                    found[identifier] = picked
        rest = [i for i in ids if i not in found]
        for identifier, row in self._claims(item, rest, ("amount",)).items():
            if row["unit"] == "万元" and row["value"] is not None:
                found[identifier] = Fact(row["value"], self.claim_citation(row), "text")
        if item.kind == "concept":
            self._from_parts(item, documents, found)
            classified = self.lexicon.classified.get(item.name)
            rest = [d for d in documents if d["id"] not in found]
            if classified is not None and rest:  # 会议费 where no 三公 table has it: the 科目 30215
                found.update(self.amounts(classified, rest))
            if item.spec.get("empty_zero", True):
                self._empty_home(item, [i for i in ids if i not in found], found)
        return found

    def _from_parts(self, item: Item, documents: list[dict], found: dict[int, Fact]) -> None:
        """An item no table or sentence gives whole, as the sum of its parts where all are given (三公经费 =
        因公出国（境）费 + 公务用车购置及运行费 + 公务接待费)."""
        for identifier, fact in self.summed(item, [d for d in documents if d["id"] not in found], self.amounts).items():
            found[identifier] = fact

    def summed(self, item: Item, documents: list[dict], figure_of) -> dict[int, Fact]:
        """{document id: the sum of the item's parts' figures} where every part has one (`figure_of(part,
        documents)` gives them: amounts, stated changes)."""
        parts = [self.lexicon.by_name[name] for name in item.spec.get("parts", []) if name in self.lexicon.by_name]
        if not parts or not documents:
            return {}
        values = [figure_of(part, documents) for part in parts]
        found = {}
        for document in documents:
            figures = [value.get(document["id"]) for value in values]
            if all(figure is not None for figure in figures):
                words = " + ".join(f"{part.name} {figure.value:,.2f}" for part, figure in zip(parts, figures))
                found[document["id"]] = Fact(sum(figure.value for figure in figures), figures[0].citation,
                                             "computed", f"各项相加：{words}")
        return found

    def _empty_home(self, item: Item, ids: list[int], found: dict[int, Fact]) -> None:
        """A document whose table for the item says it is empty (“本表为空表”, “本表无数据”): the item is 0."""
        homes = item.homes[:1]
        if not homes or not ids:
            return
        for row in self.rows("SELECT * FROM tables WHERE table_kind = ? AND empty IS NOT NULL AND rows = 0"
                             " AND document IN ({ids})", ids, (homes[0],)):
            found.setdefault(row["document"], Fact(0.0, self.cite(row["document"], row["line"], row["page"],
                                                                  f"{row['title']}：{row['empty']}", table=row["title"]),
                                                   "table", "表为空"))

    def _cells(self, item: Item, ids: list[int], homes: list[str]):
        marks = ",".join("?" * len(homes))
        if item.kind == "科目":
            codes = sorted(item.codes)
            return self.rows(f"SELECT * FROM cells WHERE table_kind IN ({marks}) AND (code IN "
                             f"({','.join('?' * len(codes))}) OR (code IS NULL AND row_key = ?))"
                             " AND document IN ({ids}) ORDER BY document, line", ids,
                             (*homes, *codes, item.name))
        if item.kind == "row":
            return self.rows(f"SELECT * FROM cells WHERE table_kind IN ({marks}) AND row_key = ?"
                             " AND document IN ({ids}) ORDER BY document, line", ids, (*homes, item.name))
        # only the cells _concept_cell can pick: its column, its row, and the total rows of tables it totals
        names = sorted({normalize(word) + suffix for word in synonyms(item) for suffix in ("", "合计", "小计", "总计")})
        labels = [normalize(label) + "%" for label in item.spec.get("row_labels", [])]
        totals = [home for home in homes if home in item.spec.get("total_of", [])] or [""]
        total_row = ("(is_total = 1 OR concept = '合计' OR row_key IN ('合计', '总计', '') OR row_key LIKE '合计%'"
                     " OR row_key LIKE '总计%' OR row_key LIKE '%合计')")
        sql = (f"SELECT * FROM cells WHERE table_kind IN ({marks}) AND ((column_key = ? OR column_key LIKE ?) AND "
               f"{total_row} OR concept = ? OR row_key IN ({','.join('?' * len(names))})"
               + "".join(" OR row_key LIKE ?" for _ in labels)
               + f" OR table_kind IN ({','.join('?' * len(totals))}) AND {total_row})"
               " AND document IN ({ids}) ORDER BY document, line")
        return self.rows(sql, ids, (*homes, item.name, item.name + ":%", item.name, *names, *labels, *totals))

    def _pick(self, item: Item, rows: list, homes: list[str], kind: str | None) -> Fact | None:
        """The item's cell among a document's cells of its home tables, the first home that has it."""
        columns = items_data()["total_columns"]
        for home in homes:
            table = [row for row in rows if row["table_kind"] == home]
            if not table:
                continue
            if item.kind in ("科目", "row"):
                cell = self._sum_rows(item, table, columns)
            else:
                cell = self._concept_cell(item, table, columns, home, kind)
            if cell is not None:
                return cell
        return None

    @staticmethod
    def _by_row(table: list) -> dict[int, list]:
        return _grouped(table, "line")

    def _column(self, cells: list, columns: list[str], kind: str | None):
        """The row's figure: its total column (合计, 金额 …), 决算数 before 预算数 in a 决算."""
        order = list(columns)
        if kind == "决算":  # a 决算's figure is its 决算数; the 预算数 beside it is the budget it is measured against
            order = ["决算数", *[c for c in order if c not in ("决算数", "预算数")]]
            cells = [cell for cell in cells if not cell["column_key"].endswith("预算数")]
        for column in order:
            for cell in cells:
                if cell["column_key"] == column or cell["column_key"].endswith(":" + column):
                    return cell
        return cells[0] if len(cells) == 1 else None

    def _sum_rows(self, item: Item, table: list, columns: list[str]) -> Fact | None:
        """A 科目's figure: its row, or the sum of its rows where one name has several (行政运行 under two
        款), leaving out a row whose code another of its rows' codes extends."""
        rows = self._by_row(table)
        chosen = []
        codes = {cells[0]["code"] for cells in rows.values() if cells[0]["code"]}
        for cells in rows.values():
            code = cells[0]["code"]
            if code and any(other != code and other.startswith(code) for other in codes):
                continue
            cell = self._column(cells, columns, None)
            if cell is not None:
                chosen.append(cell)
        if not chosen:
            return None
        seen, unique = set(), []
        for cell in chosen:  # one figure per code (a table printed twice across a page break)
            key = cell["code"] or cell["row_key"]
            if key not in seen:
                seen.add(key)
                unique.append(cell)
        fact = Fact(sum(cell["value"] for cell in unique), self.cell_citation(unique[0]), "table")
        if len(unique) > 1:
            fact.note = f"{len(unique)} 个科目合计"
        return fact

    def _concept_cell(self, item: Item, table: list, columns: list[str], home: str, kind: str | None):
        spec = item.spec
        side = spec.get("side")
        rows = self._by_row(table)
        if side:
            rows = {line: cells for line, cells in rows.items() if cells[0]["side"] in (None, side)}
        totals = [cells for cells in rows.values() if cells[0]["is_total"] or cells[0]["concept"] == "合计"
                  or cells[0]["row_key"] in TOTAL_ROWS or cells[0]["row_key"].startswith(("合计", "总计"))
                  or cells[0]["row_key"].endswith("合计")]
        if len(rows) == 1:
            totals = list(rows.values())
        # 1. its own column on the total row (支出总表 总计 row, 基本支出 column; 三公 table, 公务接待费 column)
        own = [cell for cells in (totals or list(rows.values())) for cell in cells
               if cell["column_key"].split(":")[0] == item.name
               and not (kind == "决算" and cell["column_key"].endswith("预算数"))]
        if own:  # the grand total's cell where several rows total (本年收入合计, 总计): the largest
            own.sort(key=lambda cell: (cell["column_key"].endswith("决算数") != (kind == "决算"), -cell["value"]))
            return Fact(own[0]["value"], self.cell_citation(own[0]), "table")
        # 2. its own row (收支总表 一般公共预算; a 三公 table with one row per item)
        labels = [normalize(label) for label in spec.get("row_labels", [])]
        names = {normalize(s) for s in synonyms(item)}
        for cells in rows.values():
            first = cells[0]
            key = ROW_TOTAL_SUFFIX.sub("", first["row_key"])  # "人员经费合计" is the 人员经费 row
            if first["concept"] == item.name or any(first["row_key"].startswith(label) for label in labels) \
                    or key in names:
                cell = self._column(cells, columns, kind)
                if cell is not None:
                    return Fact(cell["value"], self.cell_citation(cell), "table")
        # 3. the table's grand total (三公 total, 收入总计 as the largest total row of its side)
        if home in spec.get("total_of", []) and totals:
            candidates = [self._column(cells, columns, kind) for cells in totals]
            candidates = [cell for cell in candidates if cell is not None]
            if candidates:
                cell = max(candidates, key=lambda c: c["value"])
                return Fact(cell["value"], self.cell_citation(cell), "table")
        return None

    # ------------------------------------------------------------------ the narrative
    def keys(self, item: Item) -> list[str]:
        return list(dict.fromkeys(normalize(word) for word in synonyms(item)))

    def _claims(self, item: Item, ids: list[int], kinds: tuple[str, ...]) -> dict[int, object]:
        """The first claim per document of these kinds about the item (by its item key or concept)."""
        if not ids:
            return {}
        keys = self.keys(item)
        found: dict[int, object] = {}
        marks, kind_marks = ",".join("?" * len(keys)), ",".join("?" * len(kinds))
        for row in self.rows(f"SELECT * FROM claims WHERE kind IN ({kind_marks}) AND (item_key IN ({marks}) OR "
                             "concept = ?) AND document IN ({ids}) ORDER BY document, line", ids,
                             (*kinds, *keys, item.name)):
            found.setdefault(row["document"], row)
        return found

    def stated(self, item: Item, documents: list[dict], kind: str) -> dict[int, Fact]:
        """What the narrative states of the item: its change (amount or rate, signed), share, or last year's
        figure."""
        ids = [d["id"] for d in documents]
        kinds = (kind, "flat") if kind in ("change_amount", "change_rate") else (kind,)
        found = {}
        for identifier, row in self._claims(item, ids, kinds).items():
            value = 0.0 if row["kind"] == "flat" else row["value"]
            if value is None:
                continue
            if kind.startswith("change_"):
                value = value * (row["direction"] if row["direction"] is not None else 1)
            found[identifier] = Fact(value, self.claim_citation(row), "text", row["base"] or "")
        return found

    def counts(self, item: Item, documents: list[dict]) -> dict[int, Fact]:
        """A count the narrative states (people, vehicles): the first claim whose subject ends as the item's
        subjects do, in their order."""
        spec = item.spec
        ids = [d["id"] for d in documents]
        rows: dict[int, list] = {}
        units = spec.get("units", [])
        subjects = spec.get("subjects", [])
        likes = " OR ".join("subject LIKE ?" for _ in subjects) or "1"
        for row in self.rows(f"SELECT * FROM claims WHERE kind = 'count' AND ({likes}) AND document IN ({{ids}})"
                             " ORDER BY document, line", ids, tuple(f"%{subject}" for subject in subjects)):
            rows.setdefault(row["document"], []).append(row)
        found = {}
        for identifier, claims in rows.items():
            for subject in spec.get("subjects", []):
                match = next((row for row in claims if normalize(row["subject"] or "").endswith(subject)
                              and (not units or row["unit"] in units)
                              and not any(word in (row["subject"] or "") for word in spec.get("exclude", []))),
                             None)
                if match is not None:
                    found[identifier] = Fact(match["value"], self.claim_citation(match), "text", match["unit"] or "")
                    break
        return found

    def budget_and_final(self, item: Item, documents: list[dict]) -> dict[int, tuple[Fact, Fact]]:
        """In a 决算: (年初预算, 决算数) of the item, from a table printing both columns, else from the narrative
        sentence giving both ("年初预算为 X 万元，支出决算为 Y 万元")."""
        finals = [d for d in documents if d["kind"] == "决算"]
        ids = [d["id"] for d in finals]
        found: dict[int, tuple[Fact, Fact]] = {}
        if item.homes and ids:
            names = {item.name} | ({"合计"} if set(item.homes) & set(item.spec.get("total_of", [])) else set())
            for identifier, rows in _grouped(self._cells(item, ids, item.homes), "document").items():
                budget = [r for r in rows if r["column_key"] in ("预算数", "年初预算")
                          or (r["column_key"].split(":")[0] in names or item.kind == "科目")
                          and r["column_key"].endswith("预算数")]
                final = [r for r in rows if (r["column_key"].split(":")[0] in names and r["column_key"].endswith("决算数"))
                         or r["column_key"] == "决算数" or (item.kind == "科目" and r["column_key"].endswith("决算数"))]
                if budget and final:
                    found[identifier] = (Fact(budget[0]["value"], self.cell_citation(budget[0]), "table", "年初预算"),
                                         Fact(final[0]["value"], self.cell_citation(final[0]), "table", "决算数"))
        rest = [i for i in ids if i not in found]
        for identifier, budget, final in self.budget_final_pairs(rest, self.keys(item), item.name) if rest else ():
            found.setdefault(identifier, (Fact(budget["value"], self.claim_citation(budget), "text", "年初预算"),
                                          Fact(final["value"], self.claim_citation(final), "text", "决算数")))
        return found

    def item_measures(self, documents: list[dict], measure: str, keep=lambda value: True) -> tuple[int, list]:
        """Every item a narrative states the measure of, per document (决算 against 年初预算 from a sentence
        giving both; changes as stated): how many there are, and (document, item, Measured) of those whose
        value `keep` accepts (only those are put in words: at many documents there are tens of thousands)."""
        ids = [d["id"] for d in documents]
        out = []
        if measure == "budget_vs_final":
            finals = [d["id"] for d in documents if d["kind"] == "决算"]
            pairs = list(self.budget_final_pairs(finals))
            for identifier, budget, final in pairs:
                if keep(final["value"] - budget["value"]):
                    words = f"年初预算 {money(budget['value'])}，决算数 {money(final['value'])}，" \
                            f"{signed_money(final['value'] - budget['value'])}"
                    out.append((self.by_id[identifier], final["item_key"] or budget["item_key"] or final["section"],
                                Measured(final["value"] - budget["value"], words, [self.claim_citation(final)])))
            return len(pairs), out
        kind = "change_rate" if measure == "change_rate" else "change_amount"
        seen, kept = set(), []
        for row in self.rows("SELECT rowid AS id, document, item_key, value, direction, base FROM claims WHERE "
                             "kind = ? AND item_key IS NOT NULL AND document IN ({ids}) ORDER BY document, line", ids,
                             (kind,)):
            key = (row["document"], row["item_key"])
            if key in seen or row["value"] is None:
                continue
            seen.add(key)
            value = row["value"] * (row["direction"] if row["direction"] is not None else 1)
            if keep(value):
                kept.append((row["id"], value))
        full = {row["id"]: row for start in range(0, len(kept), BATCH) for row in self.store.query(
            f"SELECT rowid AS id, * FROM claims WHERE rowid IN ({','.join('?' * len(kept[start:start + BATCH]))})",
            tuple(key for key, _ in kept[start:start + BATCH]))}
        for key, value in kept:
            row = full[key]
            words = signed_rate(value) if kind == "change_rate" else signed_money(value)
            out.append((self.by_id[row["document"]], row["item_key"],
                        Measured(value, f"比{row['base'] or '上年'}{words}", [self.claim_citation(row)])))
        return len(seen), out

    def budget_final_pairs(self, ids: list[int], keys: list[str] | None = None, name: str | None = None):
        """(document id, 年初预算 claim, 决算数 claim): a 'previous' figure of a 决算 followed in the same section,
        within a few lines, by an amount ("年初预算为 X 万元，支出决算为 Y 万元")."""
        condition, parameters = "", ()
        if keys is not None:
            condition = f" AND (item_key IN ({','.join('?' * len(keys))}) OR concept = ?)"
            parameters = (*keys, name)
        pending: dict[int, object] = {}
        for row in self.rows("SELECT * FROM claims WHERE kind IN ('previous', 'amount')" + condition +
                             " AND document IN ({ids}) ORDER BY document, line", ids, parameters):
            budget = pending.get(row["document"])
            if row["kind"] == "previous":
                pending[row["document"]] = row
            elif budget is not None and budget["section"] == row["section"] and row["line"] - budget["line"] <= 3:
                yield row["document"], budget, row
                pending.pop(row["document"])


def _grouped(rows, key: str) -> dict[int, list]:
    """Rows by one of their fields, in their order."""
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out
