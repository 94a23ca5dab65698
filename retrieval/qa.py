"""Questions in plain Chinese (or English), answered from the fact store with citations.

Rule-based: the question's intent and slots (department, year, item, direction, threshold) are read with
the domain lexicon; the answer is computed from stored facts over the whole corpus (never from the top-k
of a text search), and every figure in it cites the document, line and quoted text it came from. When the
facts cannot answer, it says so and shows the closest passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.vocab import normalize
from retrieval.aliases import item_synonyms
from retrieval.store import FactStore

YEAR = re.compile(r"(20\d{2})\s*年?")
UP = re.compile(r"增加|增长|上升|提高|多了|涨|increase|rise|rose|grew|higher")
DOWN = re.compile(r"减少|下降|降低|少了|压减|decrease|fall|fell|drop|lower|decline")
ASKS_FIGURE = re.compile(r"多少|金额|几|how much|how many|amount")
THRESHOLD = re.compile(r"(?:超过|大于|高于|over|above|more than)\s*(\d+(?:\.\d+)?)\s*(%|％|万元)?")
INTENTS = [  # (intent, pattern), first match wins; slots decide the rest
    ("definition", re.compile(r"什么是|是什么意思|指什么|含义|名词解释|what does .+ mean|meaning of|definition|define")),
    ("contradiction", re.compile(r"矛盾|不一致|不符|错误|问题|勾稽|contradict|inconsisten|error|mistake")),
    ("why", re.compile(r"为什么|为何|原因|why|reason")),
    ("rise_fall", re.compile(r"哪些部门|哪些单位|which (?:departments|units)|增长超过|增幅超过")),
    ("ranking", re.compile(r"哪个部门|哪个单位|最多|最高|最少|最低|排名|which department|most|highest|least|lowest")),
    ("list", re.compile(r"各部门|每个部门|各单位|所有部门|all departments|each department|every department|by department")),
    ("compare", re.compile(r"比较|对比|相比|和.*相比|compare|versus|\bvs\b")),
]
ENGLISH_ITEMS = {
    "three public": "三公经费", "sangong": "三公经费", "official reception": "公务接待费", "reception": "公务接待费",
    "overseas": "因公出国（境）费", "abroad": "因公出国（境）费", "vehicle": "公务用车购置及运行费",
    "car": "公务用车购置及运行费", "procurement": "政府采购", "operating expenses": "机关运行经费",
    "project": "项目支出", "basic expenditure": "基本支出", "total budget": "收入总计", "budget": "收入总计",
}
# Where an item's value is printed: table kind and how its row/column is named.
ITEM_TABLES = {
    "三公经费": ("三公经费表", "合计"), "因公出国（境）费": ("三公经费表", "因公出国（境）费"),
    "公务接待费": ("三公经费表", "公务接待费"), "公务用车购置及运行费": ("三公经费表", "公务用车购置及运行费"),
    "公务用车运行费": ("三公经费表", "公务用车运行费"), "公务用车购置费": ("三公经费表", "公务用车购置费"),
    "项目支出": ("支出总表", "项目支出"), "基本支出": ("支出总表", "基本支出"), "收入总计": ("收支总表", "收入总计"),
    "一般公共预算": ("收支总表", "一般公共预算"), "机关运行经费": ("三公经费表", "机关运行经费"),
}


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
class Answer:
    question: str
    intent: str
    answer: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Slots:
    departments: list[dict] = field(default_factory=list)  # document rows whose department the question names
    year: int | None = None
    item: str | None = None
    direction: int | None = None
    threshold: float | None = None


class Answerer:
    def __init__(self, store: FactStore, vectors=None):
        self.store = store
        self.vectors = vectors  # the hybrid text index, when built; else passages are ranked by shared words
        self.documents = [dict(row) for row in store.documents()]

    # ------------------------------------------------------------------ reading the question
    def slots(self, question: str) -> Slots:
        text = normalize(question)
        lower = question.lower()
        slots = Slots()
        # departments named in the question: longest names first, overlapping shorter ones dropped
        # ("克州总工会" names one department, not also "州总工会")
        spans: list[tuple[int, int, dict]] = []
        for document in self.documents:
            for alias in (document["aliases"] or "").split("|"):
                start = text.find(alias) if alias and len(alias) >= 3 else -1
                if start >= 0:
                    spans.append((start, start + len(alias), document))
        taken: list[tuple[int, int]] = []
        names: set[str] = set()
        for start, end, document in sorted(spans, key=lambda span: span[0] - span[1]):
            if all(end <= a or start >= b for a, b in taken) or any((start, end) == (a, b) for a, b in taken):
                taken.append((start, end))
                names.add(document["department"])
        slots.departments = [d for d in self.documents if d["department"] in names]
        if year := YEAR.search(question):
            slots.year = int(year.group(1))
        slots.item = next((concept for word, concept in item_synonyms() if normalize(word) in text), None)
        if slots.item is None:
            slots.item = next((concept for word, concept in ENGLISH_ITEMS.items() if word in lower), None)
        if UP.search(lower):
            slots.direction = 1
        elif DOWN.search(lower):
            slots.direction = -1
        if threshold := THRESHOLD.search(question):
            slots.threshold = float(threshold.group(1))
        return slots

    def intent(self, question: str, slots: Slots) -> str:
        lower = question.lower()
        for intent, pattern in INTENTS:
            if pattern.search(lower):
                if intent == "ranking" and slots.direction is not None and "哪个" not in question:
                    continue
                return intent
        if slots.item and slots.departments:
            return "value"
        return "search"

    def ask(self, question: str) -> Answer:
        slots = self.slots(question)
        intent = self.intent(question, slots)
        handler = getattr(self, f"_{intent}")
        answer = handler(question, slots)
        if answer is None or (intent == "search" and ASKS_FIGURE.search(question.lower())):
            return self._search(question, slots, unanswered=True)  # never a figure the facts do not hold
        return answer

    # ------------------------------------------------------------------ facts
    def _docs(self, slots: Slots) -> list[dict]:
        documents = slots.departments or self.documents
        if slots.year:
            documents = [d for d in documents if d["year"] == slots.year]
        return documents

    def _cite(self, document: dict, claim) -> Citation:
        """A narrative claim as a citation: its sentence, section and line."""
        return Citation(document["path"], document["department"] or "", document["year"], claim["section"], None,
                        claim["page"], claim["line"], claim["quote"])

    def _rows(self, sql: str, ids: list[int], parameters: tuple = ()):
        """Rows of a query over many documents at once ("document IN ({ids})"), 900 ids a query."""
        for chunk in range(0, len(ids), 900):
            part = ids[chunk:chunk + 900]
            yield from self.store.query(sql.format(ids=",".join("?" * len(part))), (*parameters, *part))

    def _first_per_document(self, sql: str, ids: list[int], parameters: tuple) -> dict[int, object]:
        """The first row per document of a query over many documents (one query, not one each)."""
        found: dict[int, object] = {}
        for row in self._rows(sql, ids, parameters):
            found.setdefault(row["document"], row)
        return found

    def item_values(self, documents: list[dict], item: str) -> dict[int, tuple]:
        """{document id: (value in 万元, citation)}: the table cell, else the narrative's amount."""
        ids = [d["id"] for d in documents]
        by_id = {d["id"]: d for d in documents}
        kind, key = ITEM_TABLES.get(item, (None, item))
        cells: dict[int, object] = {}
        if kind:
            # the item's own column first (Jiangsu prints 三公经费 beside a 合计 that adds 会议费 and 培训费)
            cells = self._first_per_document(
                "SELECT * FROM cells WHERE table_kind = ? AND column_key = ? AND document IN ({ids})"
                " ORDER BY document, value DESC", ids, (kind, item))
            rest = [i for i in ids if i not in cells]
            cells |= self._first_per_document(
                "SELECT * FROM cells WHERE table_kind = ? AND ((concept = ? AND column_key IN ('合计', '金额'))"
                " OR column_key = ? OR (? = '合计' AND concept = '合计')) AND document IN ({ids})"
                " ORDER BY document, value DESC", rest, (kind, key, key, key))
        values: dict[int, tuple] = {}
        for identifier, row in cells.items():
            document = by_id[identifier]
            quote = f"{row['table_title']} {row['row_label']} {row['column_key']}: {row['printed']}".strip()
            values[identifier] = (row["value"], Citation(document["path"], document["department"] or "",
                                                         document["year"], None, row["table_title"], row["page"],
                                                         row["line"], quote))
        claims = self._first_per_document(
            "SELECT * FROM claims WHERE concept = ? AND kind = 'amount' AND unit = '万元' AND document IN ({ids})"
            " ORDER BY document, line", [i for i in ids if i not in values], (item,))
        for identifier, row in claims.items():
            values[identifier] = (row["value"], self._cite(by_id[identifier], row))
        return values

    def item_changes(self, documents: list[dict], item: str) -> dict[int, tuple]:
        """{document id: (signed change in 万元 or None, rate or None, citation)} as the narrative states."""
        by_id = {d["id"]: d for d in documents}
        rows_by_document: dict[int, list] = {}
        for row in self._rows("SELECT * FROM claims WHERE concept = ? AND kind IN ('change_amount', 'change_rate',"
                              " 'flat') AND document IN ({ids}) ORDER BY document, line", list(by_id), (item,)):
            rows_by_document.setdefault(row["document"], []).append(row)

        def signed(row):
            return None if row is None or row["value"] is None else row["value"] * (row["direction"] or 1)

        changes = {}
        for identifier, rows in rows_by_document.items():
            amount = next((r for r in rows if r["kind"] in ("change_amount", "flat")), None)
            rate = next((r for r in rows if r["kind"] == "change_rate"), None)
            changes[identifier] = (signed(amount), signed(rate), self._cite(by_id[identifier], amount or rate))
        return changes

    # ------------------------------------------------------------------ intents
    @staticmethod
    def who(document: dict) -> str:
        """The department, marked （单位） for a unit's own disclosure beside its department's."""
        return f"{document['department']}{'（单位）' if document['scope'] == '单位' else ''}"

    def _value(self, question: str, slots: Slots) -> Answer | None:
        if not slots.item:
            return None
        parts, citations = [], []
        documents = self._docs(slots)
        values = self.item_values(documents, slots.item)
        for document in documents:
            found = values.get(document["id"])
            if found is None:
                continue
            value, citation = found
            parts.append(f"{self.who(document)}{document['year']}年{slots.item}为 {value:,.2f} 万元")
            citations.append(citation)
        if not parts:
            return None
        return Answer(question, "value", "；".join(parts) + "。", citations)

    def _rise_fall(self, question: str, slots: Slots) -> Answer | None:
        item = slots.item or "三公经费"
        direction = slots.direction or 1
        word = "增加" if direction > 0 else "减少"
        matching, others, citations = [], [], []
        documents = self._docs(Slots(year=slots.year))
        changes, values = self.item_changes(documents, item), self.item_values(documents, item)
        for document in documents:
            change, value = changes.get(document["id"]), values.get(document["id"])
            if change is None and value is None:
                continue
            amount, rate, citation = change if change else (None, None, value[1])
            current = f"{value[0]:,.2f} 万元" if value else "金额未列"
            delta = amount if amount is not None else rate
            moved = delta is not None and delta * direction > 0
            if slots.threshold is not None and rate is not None:
                moved = moved and abs(rate) > slots.threshold
            described = (f"{self.who(document)}（{document['year']}年）{item} {current}，"
                         + (f"比上年{'增加' if (amount or 0) >= 0 else '减少'} {abs(amount):,.2f} 万元"
                            if amount is not None else "未说明增减")
                         + (f"，{'增长' if rate >= 0 else '下降'} {abs(rate):.2f}%" if rate is not None else ""))
            (matching if moved else others).append(described)
            citations.append(citation)
        if not matching and not others:
            return None
        if matching:
            text = f"{item}{word}的部门有 {len(matching)} 个：" + "；".join(matching) + "。"
        else:
            text = f"没有部门的{item}{word}。各部门情况：" + "；".join(others) + "。"
        return Answer(question, "rise_fall", text, citations)

    def _ranking(self, question: str, slots: Slots) -> Answer | None:
        item = slots.item or "项目支出"
        documents = self._docs(Slots(year=slots.year))
        found_values = self.item_values(documents, item)
        values = [(found_values[d["id"]][0], d, found_values[d["id"]][1]) for d in documents if d["id"] in found_values]
        if not values:
            return None
        lowest = re.search(r"最少|最低|least|lowest", question.lower()) is not None
        values.sort(key=lambda entry: entry[0], reverse=not lowest)
        value, document, citation = values[0]
        rest = "；".join(f"{self.who(d)} {v:,.2f}" for v, d, _ in values[1:4])
        text = (f"{item}{'最少' if lowest else '最多'}的是{self.who(document)}（{document['year']}年），"
                f"{value:,.2f} 万元" + (f"。其后：{rest} 万元。" if rest else "。"))
        return Answer(question, "ranking", text, [citation] + [c for _, _, c in values[1:4]])

    def _list(self, question: str, slots: Slots) -> Answer | None:
        item = slots.item or "三公经费"
        documents = self._docs(Slots(year=slots.year))
        found_values = self.item_values(documents, item)
        rows = [(d, found_values[d["id"]]) for d in documents if d["id"] in found_values]
        if not rows:
            return None
        text = f"各部门{item}：" + "；".join(f"{self.who(d)}（{d['year']}年）{v:,.2f} 万元" for d, (v, _) in rows) + "。"
        return Answer(question, "list", text, [citation for _, (_, citation) in rows])

    def _compare(self, question: str, slots: Slots) -> Answer | None:
        if len(slots.departments) < 2 or not slots.item:
            return None
        answer = self._value(question, slots)
        if answer is not None:
            answer.intent = "compare"
        return answer

    def _contradiction(self, question: str, slots: Slots) -> Answer | None:
        parts, citations = [], []
        documents = self._docs(slots)
        by_document: dict[int, list] = {}
        for row in self._rows("SELECT * FROM findings WHERE severity = 'error' AND document IN ({ids})"
                              " ORDER BY document, line", [d["id"] for d in documents]):
            by_document.setdefault(row["document"], []).append(row)
        for document in documents:
            for row in by_document.get(document["id"], []):
                parts.append(f"{self.who(document)}（{document['year']}年）第{row['line']}行：{row['message']}")
                citations.append(Citation(document["path"], document["department"] or "", document["year"], None,
                                          None, row["page"], row["line"], row["quote"][:200]))
        if not parts:
            scope = "、".join(d["department"] for d in self._docs(slots)[:5])
            return Answer(question, "contradiction", f"检查没有发现{scope}的文字与表格矛盾（错误级别）。", [])
        return Answer(question, "contradiction", f"共 {len(parts)} 处矛盾：" + "；".join(parts[:20]) + "。", citations[:20])

    def _passages(self, documents: list[dict], pattern: str, limit: int = 5):
        ids = [d["id"] for d in documents]
        marks = ",".join("?" * len(ids))
        # quotes dropped on both sides: "“三公”经费" is asked as 三公经费
        return self.store.query(f"SELECT * FROM passages WHERE document IN ({marks}) AND "
                                "REPLACE(REPLACE(text, '“', ''), '”', '') LIKE ? LIMIT ?", (*ids, pattern, limit))

    def _definition(self, question: str, slots: Slots) -> Answer | None:
        term = slots.item or re.sub(r"什么是|是什么|指什么|的含义|？|\?|名词解释", "", question).strip()
        documents = self._docs(slots)
        rows = [row for row in self._passages(documents, f"%{term}%", 200)
                if "名词解释" in (row["part"] + row["section"]) or normalize(row["section"] or "") == normalize(term)]
        rows = rows or [row for row in self._passages(documents, f"%{term}：%", 5)]
        if not rows:
            return None
        row = rows[0]
        document = next(d for d in self.documents if d["id"] == row["document"])
        return Answer(question, "definition", row["text"], [self._passage_citation(document, row)])

    def _why(self, question: str, slots: Slots) -> Answer | None:
        if not slots.item:
            return None
        parts, citations = [], []
        for document in self._docs(slots):
            for row in self._passages([document], f"%{slots.item.replace('（境）', '')}%原因%", 3):
                reason = re.search(r"主要原因(?:是|为)?[：:]?(.+?)[。；]", row["text"])
                if reason:
                    parts.append(f"{self.who(document)}：{reason.group(1).strip()}")
                    citations.append(self._passage_citation(document, row))
                    break
        if not parts:
            return None
        return Answer(question, "why", "；".join(parts) + "。", citations)

    def _passage_citation(self, document: dict, row) -> Citation:
        return Citation(document["path"], document["department"] or "", document["year"], row["section"] or row["part"],
                        None, row["page"], row["line"], row["text"][:200])

    def _search(self, question: str, slots: Slots, unanswered: bool = False) -> Answer:
        """The closest passages: from the hybrid index when built, else by shared words."""
        prefix = "资料中没有能直接回答这个问题的数字。最接近的段落：" if unanswered else "相关段落："
        if self.vectors is not None and self.vectors.count():
            from retrieval.search import hybrid_search

            filters = {"year": slots.year} if slots.year else {}
            if len(slots.departments) == 1:
                filters["department"] = slots.departments[0]["department"]
            found = hybrid_search(self.vectors, question, filters, k=5)
            citations = [Citation(p.metadata["path"], p.metadata["department"], p.metadata["year"] or None,
                                  p.metadata["section"] or None, p.metadata["table"] or None,
                                  p.metadata["page"] or None, p.metadata["line"], p.page_content[:200]) for p in found]
            if citations:
                return Answer(question, "search", prefix + " / ".join(p.page_content[:60] for p in found), citations)
        import jieba

        words = {w for w in jieba.lcut(normalize(question)) if len(w) >= 2}
        documents = self._docs(slots)
        ids = [d["id"] for d in documents]
        rows = self.store.query(f"SELECT * FROM passages WHERE document IN ({','.join('?' * len(ids))})", tuple(ids))
        scored = sorted(((sum(1 for w in words if w in row["text"]), row) for row in rows),
                        key=lambda pair: -pair[0])[:5]
        scored = [(score, row) for score, row in scored if score > 0]
        by_id = {d["id"]: d for d in self.documents}
        citations = [self._passage_citation(by_id[row["document"]], row) for _, row in scored]
        if not scored:
            return Answer(question, "search", "资料中没有找到相关内容。", [])
        return Answer(question, "search", prefix + " / ".join(row["text"][:60] for _, row in scored), citations)
