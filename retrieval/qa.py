"""Questions in plain Chinese (or English), answered from the fact store with citations.

A question is read into a query (retrieval/reader.py: who, when, which documents, what, which measure,
which operator); the query runs over the facts of the whole corpus (never over the top-k of a text
search), and every figure in the answer cites the document, table or section, line and quoted text it came
from. A part of the question that was not understood, a name several departments share, or a department the
corpus lacks is said as such, with what gouji can answer instead; it never answers another question.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from retrieval.facts import Citation, Fact, Facts
from retrieval.items import Item
from retrieval.lexicon import Lexicon, department_of
from retrieval.query import Query
from retrieval.reader import Reader
from retrieval.wording import Measured, money, signed_count, signed_money, signed_rate

__all__ = ["Answer", "Answerer", "Citation"]
MAX_LISTED = 40  # departments written out in one answer; the rest are counted
RANK_SHOWN = 10  # a ranking without a number shows this many
REASON = re.compile(r"主要(?:原因|是由于|系)(?:是|为|：|:)?(.+?)(?:[。；]|$)")


@dataclass
class Answer:
    question: str
    intent: str  # the query's operator
    answer: str
    citations: list[Citation] = field(default_factory=list)
    query: Query | None = None
    status: str = "answered"  # answered | ask_which | absent | not_understood | no_facts
    completed: str | None = None  # how a follow-up was completed, in words
    years: list[int] = field(default_factory=list)  # the years the figures are of
    source: str = "facts"  # facts | passages
    measured: dict = field(default_factory=dict, repr=False)  # the first item's figures per document id

    def to_dict(self) -> dict:
        return {"question": self.question, "intent": self.intent, "status": self.status, "answer": self.answer,
                "query": self.query.to_dict() if self.query else None, "completed": self.completed,
                "source": self.source, "citations": [vars(c) for c in self.citations]}


class Answerer:
    def __init__(self, store, vectors=None):
        self.store = store
        self.vectors = vectors  # the hybrid text index, when built; else passages are ranked by shared words
        self.lexicon = Lexicon(store)
        self.documents = self.lexicon.documents
        self.facts = Facts(store, self.lexicon)
        self._reader: Reader | None = None
        self._reader_lock = threading.Lock()

    @property
    def reader(self) -> Reader:
        """spaCy and the phrase patterns (about 1 s): built once, on the first question, by one thread."""
        with self._reader_lock:
            if self._reader is None:
                self._reader = Reader(self.lexicon)
        return self._reader

    # ------------------------------------------------------------------ entry
    def ask(self, question: str, previous: Answer | None = None) -> Answer:
        before = previous.query if previous is not None else None
        query = self.reader.read(question, before, previous.years if previous is not None else None)
        answer = self._refusal(question, query) or self._run(question, query)
        answer.query = query
        if query.followup:
            answer.completed = query.describe()
        return answer

    def _refusal(self, question: str, query: Query) -> Answer | None:
        """The parts of a question that stop an answer: a department the corpus lacks, a name several
        departments share, a part not understood."""
        if query.absent:
            departments = sorted(d.name for d in self.lexicon.real_departments())
            names = "、".join(departments[:MAX_LISTED]) + (f" 等 {len(departments)} 个" if len(departments) > MAX_LISTED
                                                           else "")
            text = (f"语料中没有“{'”“'.join(query.absent)}”的预算或决算公开文件。语料中的部门有：{names}。")
            return Answer(question, query.operator, text, [], status="absent", source="none")
        if query.ambiguous:
            lines = [f"“{written}”可能指：{'、'.join(self.lexicon.departments[key].name for key in keys)}"
                     for written, keys in query.ambiguous.items()]
            return Answer(question, query.operator, "；".join(lines) + "。请问是哪一个？", [], status="ask_which",
                          source="none")
        needs_item = (query.operator in ("value", "list", "rank", "filter", "compare", "trend") or
                      query.operator == "count" and query.measure != "documents") and query.over != "items"
        if query.unknown and needs_item:
            examples = "三公经费、公务接待费、基本支出、项目支出、人员经费、机关运行经费、政府采购、行政运行、实有人数、车辆数"
            return self._passages(question, query,
                                  f"没有读懂问题中的“{'”“'.join(query.unknown)}”。可以问的项目例如：{examples}"
                                  "；也可以问增减、占比、排名、历年变化、原因和矛盾。", status="not_understood")
        if needs_item and not query.items and query.measure != "documents":
            return self._passages(question, query, "没有读懂要问的是哪一项数字（如三公经费、项目支出、实有人数）。",
                                  status="not_understood")
        return None

    def _run(self, question: str, query: Query) -> Answer:
        handler = getattr(self, f"_{query.operator}")
        answer = handler(question, query)
        if answer is None:
            scope = query.describe()
            return self._passages(question, query, f"资料中没有能回答“{scope}”的数字。", status="no_facts")
        return answer

    # ------------------------------------------------------------------ which documents
    def _documents(self, query: Query, named_templates: bool = False) -> list[dict]:
        documents = [d for d in self.documents if named_templates or not d["is_template"]]
        if query.departments:
            keys = set(query.departments)
            documents = [d for d in self.documents if department_of(d) in keys]
        if query.regions:
            documents = [d for d in documents if any(
                self.lexicon.in_region(self.lexicon.departments[department_of(d)], region) for region in query.regions)]
        if query.kind:
            documents = [d for d in documents if d["kind"] == query.kind]
        if query.scope:
            documents = [d for d in documents if d["scope"] == query.scope]
        years = [year for year in query.years if year != query.versus or len(query.years) == 1]
        if years:
            documents = [d for d in documents if d["year"] in years]
        return documents

    _department = staticmethod(department_of)

    @staticmethod
    def _preference(document: dict) -> tuple:
        """Which of a department's disclosures speaks for it: the latest, 部门 before 单位, 预算 before 决算."""
        return (-(document["year"] or 0), document["scope"] != "部门", document["kind"] != "预算")

    def _latest_year(self, documents: list[dict]) -> list[dict]:
        """Per department, every disclosure of its latest year."""
        latest: dict[str, int] = {}
        for document in documents:
            key = self._department(document)
            latest[key] = max(latest.get(key, 0), document["year"] or 0)
        return [d for d in documents if (d["year"] or 0) == latest[self._department(d)]]

    def _one_each(self, documents: list[dict], per_year: bool) -> list[dict]:
        """One disclosure per department (and year, when years were named): the one that speaks for it."""
        chosen: dict[tuple, dict] = {}
        for document in sorted(documents, key=self._preference):
            key = (self._department(document), document["year"] if per_year else None)
            chosen.setdefault(key, document)
        return list(chosen.values())

    def _previous(self, document: dict, year: int | None = None) -> dict | None:
        """The same department's disclosure of the year before (or of `year`), of the same kind and scope."""
        key = self._department(document)
        wanted = year if year is not None and year != document["year"] else (document["year"] or 0) - 1
        return next((d for d in self.documents if self._department(d) == key and d["kind"] == document["kind"]
                     and d["scope"] == document["scope"] and d["year"] == wanted), None)

    def label(self, document: dict, short: bool = False) -> str:
        name = self.lexicon.departments[self._department(document)].name
        if short:
            unit = "（单位）" if document["scope"] == "单位" else ""
            return f"{name}{unit}（{document['year']}年{document['kind'] or ''}）"
        return f"{name} {document['year']}年{document['scope'] or ''}{document['kind'] or ''}"

    def _items(self, query: Query) -> list[Item]:
        return [self.lexicon.by_name[name] for name in query.items if name in self.lexicon.by_name]

    # ------------------------------------------------------------------ measures
    def measure(self, query: Query, item: Item, documents: list[dict]) -> dict[int, Measured]:
        """{document id: the asked measure of the item}: amount, count, change, share or 预算 vs 决算."""
        kind = query.measure
        if kind in ("amount", "documents"):
            fund = self.lexicon.by_name.get(query.fund or "")
            return {i: Measured(f.value, self._amount_words(item, f), [f.citation])
                    for i, f in self.facts.amounts(item, documents, fund).items()}
        if kind == "count":
            return {i: Measured(f.value, f"{f.value:.0f} {f.note or ''}".strip(), [f.citation])
                    for i, f in self.facts.counts(item, documents).items()}
        if kind in ("change_amount", "change_rate"):
            return self._changes(item, documents, rate=kind == "change_rate", versus=query.versus)
        if kind == "share":
            return self._shares(item, documents, self.lexicon.by_name.get(query.base or ""))
        return self._budget_final(item, documents, query.ratio)

    @staticmethod
    def _amount_words(item: Item, fact: Fact) -> str:
        if item.kind == "count":
            return f"{fact.value:.0f}"
        return money(fact.value) + (f"（{fact.note}）" if fact.note else "")

    def _changes(self, item: Item, documents: list[dict], rate: bool, versus: int | None = None) -> dict[int, Measured]:
        """The change the document states, and the change worked out from the same department's previous
        disclosure in the corpus; each labelled. The stated one ranks and filters, else the computed one."""
        counting = item.kind == "count"
        stated_amount = self._stated_counts(item, documents) if counting else \
            self.facts.stated(item, documents, "change_amount")
        stated_rate = self.facts.stated(item, documents, "change_rate")
        values = self.facts.amounts(item, documents)
        previous_docs = {d["id"]: p for d in documents if (p := self._previous(d, versus)) is not None}
        previous_values = self.facts.amounts(item, list(previous_docs.values())) if previous_docs else {}
        out: dict[int, Measured] = {}
        for document in documents:
            identifier = document["id"]
            parts, citations, figures = [], [], {}
            current = values.get(identifier)
            if identifier in stated_amount or identifier in stated_rate:
                words = []
                if (fact := stated_amount.get(identifier)) is not None:
                    figures.setdefault("amount", fact.value)
                    words.append(signed_count(fact.value) if counting else signed_money(fact.value))
                    citations.append(fact.citation)
                if (fact := stated_rate.get(identifier)) is not None:
                    figures.setdefault("rate", fact.value)
                    if not (fact.value == 0 and words == ["持平"]):  # "持平，持平"
                        words.append(signed_rate(fact.value))
                    if fact.citation not in citations:
                        citations.append(fact.citation)
                base = next((f.note for f in (stated_amount.get(identifier), stated_rate.get(identifier))
                             if f is not None and f.note and f.source == "text"), "上年")  # what it is against
                parts.append(f"文中：比{base}{'，'.join(words)}")
            prior = previous_docs.get(identifier)
            if prior is not None and current is not None and prior["id"] in previous_values:
                before = previous_values[prior["id"]]
                delta = current.value - before.value
                change = f"按{prior['year']}年文件计算：{money(before.value)} → {money(current.value)}，{signed_money(delta)}"
                if before.value:
                    change += f"，{signed_rate(delta / before.value * 100)}"
                    figures.setdefault("computed_rate", delta / before.value * 100)
                parts.append(change)
                figures.setdefault("computed_amount", delta)
                citations += [current.citation, before.citation]
            chosen = figures.get("rate" if rate else "amount")
            if chosen is None:
                chosen = figures.get("computed_rate" if rate else "computed_amount")
            if chosen is None and rate and "amount" in figures and current is not None:
                before_value = current.value - figures["amount"]
                chosen = figures["amount"] / before_value * 100 if before_value else None
                if chosen is not None:
                    parts[0] += f"（折合{signed_rate(chosen)}，按 {money(before_value)} 计算）"
            if chosen is None and not rate and "rate" in figures and current is not None:
                chosen = current.value - current.value / (1 + figures["rate"] / 100) if figures["rate"] != -100 else None
            if chosen is None or not parts:
                continue
            level = f"{money(current.value)}，" if current is not None and not counting else \
                (f"{current.value:.0f} 人，" if current is not None else "")
            out[identifier] = Measured(chosen, level + "；".join(parts), citations)
        return out

    def _stated_counts(self, item: Item, documents: list[dict]) -> dict[int, Fact]:
        """The change of a count the narrative states next to it ("在职 14 人，减少 2 人"), or the sum of the
        stated changes of its parts (实有人数 = 在职 + 退休 + 离休)."""
        def changes(count: Item, docs: list[dict]) -> dict[int, Fact]:
            return self.facts.stated(count, docs, "change_count")

        found = changes(item, documents)
        found.update(self.facts.summed(item, [d for d in documents if d["id"] not in found], changes))
        return found

    def _shares(self, item: Item, documents: list[dict], base: Item | None = None) -> dict[int, Measured]:
        stated = self.facts.stated(item, documents, "share")
        values = self.facts.amounts(item, documents)
        base = base or self.lexicon.by_name.get(item.base or "")
        bases = self.facts.amounts(base, documents) if base is not None else {}
        out = {}
        for document in documents:
            identifier = document["id"]
            if (fact := stated.get(identifier)) is not None:
                out[identifier] = Measured(fact.value, f"占 {fact.value:.2f}%（文中）", [fact.citation])
            elif identifier in values and identifier in bases and bases[identifier].value:
                value, whole = values[identifier], bases[identifier]
                share = value.value / whole.value * 100
                out[identifier] = Measured(share, f"占{base.name}的 {share:.2f}%（{money(value.value)} ÷ "
                                                  f"{money(whole.value)}，计算）", [value.citation, whole.citation])
        return out

    def _budget_final(self, item: Item, documents: list[dict], ratio: bool) -> dict[int, Measured]:
        """决算 against 年初预算: the difference, or the completion rate when that is asked."""
        out = {}
        for identifier, (budget, final) in self.facts.budget_and_final(item, documents).items():
            difference = final.value - budget.value
            rate = final.value / budget.value * 100 if budget.value else None
            words = f"年初预算 {money(budget.value)}，决算数 {money(final.value)}，决算比预算{signed_money(difference)}"
            if rate is not None:
                words += f"，完成预算的 {rate:.2f}%"
            if ratio and rate is None:
                continue
            out[identifier] = Measured(rate if ratio else difference, words, [budget.citation, final.citation])
        return out

    # ------------------------------------------------------------------ operators
    def _value(self, question: str, query: Query) -> Answer | None:
        documents = self._documents(query)
        if not query.years:
            documents = self._latest_year(documents)
        return self._per_document(question, query, documents, "value")

    def _compare(self, question: str, query: Query) -> Answer | None:
        documents = self._documents(query)
        if not query.years:
            documents = self._latest_year(documents)
        answer = self._per_document(question, query, documents, "compare")
        if answer is None:
            return None
        values = answer.measured  # the first item's figures, measured once
        speaking = self._one_each(documents, per_year=False)
        ranked = sorted(((values[d["id"]].value, d) for d in speaking if d["id"] in values), key=lambda p: -p[0])
        if len(ranked) >= 2 and query.measure in ("amount", "count"):
            (high, first), (low, second) = ranked[0], ranked[-1]
            unit = "" if query.measure == "count" else " 万元"
            answer.answer += (f"{self.label(first, short=True)}比{self.label(second, short=True)}多 "
                              f"{high - low:,.2f}{unit}。" if unit else
                              f"{self.label(first, short=True)}比{self.label(second, short=True)}多 {high - low:.0f}。")
        return answer

    def _per_document(self, question: str, query: Query, documents: list[dict], operator: str) -> Answer | None:
        parts, citations, years = [], [], set()
        documents = sorted(documents, key=lambda d: (self._department(d), self._preference(d)))
        first: dict[int, Measured] = {}
        for item in self._items(query):
            values = self.measure(query, item, documents)
            first = first or values
            for document in documents:
                found = values.get(document["id"])
                if found is None:
                    continue
                parts.append(f"{self.label(document)} {item.name}：{found.words}")
                citations += found.citations
                years.add(document["year"])
        if not parts:
            return None
        others = self._other_years(query, documents) if operator == "value" else ""
        answer = Answer(question, operator, "；".join(parts) + "。" + others, citations, years=sorted(years))
        answer.measured = first
        return answer

    def _other_years(self, query: Query, documents: list[dict]) -> str:
        if query.years or not query.departments:
            return ""
        shown = {d["year"] for d in documents}
        other = sorted({d["year"] for d in self._documents(query.merged(years=[])) if d["year"] not in shown})
        return f"（另有 {'、'.join(str(y) for y in other)} 年的文件，可指定年份再问。）" if other else ""

    def _scope(self, query: Query) -> list[dict]:
        return self._one_each(self._documents(query), per_year=bool(query.years))

    def _ranked(self, query: Query, item: Item, documents: list[dict]) -> list[tuple[Measured, dict]]:
        values = self.measure(query, item, documents)
        found = [(values[d["id"]], d) for d in documents if d["id"] in values]
        descending = query.order != "asc"
        if query.direction == "down" and query.measure in ("change_amount", "change_rate"):
            descending = not descending  # 减少最多: the most negative first
        found.sort(key=lambda pair: (pair[0].value, pair[1]["department"] or ""), reverse=descending)
        return found

    def _rank(self, question: str, query: Query) -> Answer | None:
        item = self._items(query)[0]
        found = self._ranked(query, item, self._scope(query))
        if not found:
            return None
        shown = found[:query.top] if query.top and query.top > 1 else found[:3] if query.top else found[:RANK_SHOWN]
        if query.measure in ("change_amount", "change_rate"):
            rate = query.measure == "change_rate"
            head = ("降幅最大" if rate else "减少最多") if query.direction == "down" else \
                ("增幅最小" if rate else "增加最少") if query.order == "asc" else ("增幅最大" if rate else "增加最多")
            what = ""
        else:
            head = "最少" if query.order == "asc" else "最多"
            what = {"share": "占比", "count": "", "budget_vs_final": "决算与预算之差"}.get(query.measure, "")
        lines = [f"{n}. {self.label(d, short=True)}：{m.words}" for n, (m, d) in enumerate(shown, start=1)]
        if query.top and query.top > 1:
            text = f"{item.name}{what}{head}的前 {len(shown)} 个：" + "；".join(lines) + "。"
        else:
            text = (f"{item.name}{what}{head}的是{self.label(shown[0][1], short=True)}：{shown[0][0].words}。"
                    + (f"其后：{'；'.join(lines[1:])}。" if len(lines) > 1 else ""))
        text += f"（共比较 {len(found)} 个部门。）"
        citations = [c for m, _ in shown for c in m.citations]
        return Answer(question, "rank", text, citations, years=sorted({d["year"] for _, d in shown}))

    def _matches(self, query: Query, value: float) -> bool:
        if query.direction == "up" and not value > 0 or query.direction == "down" and not value < 0:
            return False
        if query.direction == "flat" and value != 0:
            return False
        if query.threshold is not None:
            figure = abs(value) if query.direction == "down" else value
            if not query.threshold.holds(figure):
                return False
        return not (query.present and not value > 0)

    def _filter(self, question: str, query: Query) -> Answer | None:
        if query.over == "items":
            return self._item_filter(question, query)
        item = self._items(query)[0]
        found = self._ranked(query, item, self._scope(query))
        if not found:
            return None
        matching = [(m, d) for m, d in found if self._matches(query, m.value)]
        condition = query.condition()
        listed = matching[:MAX_LISTED]
        if matching:
            text = f"{condition}的部门有 {len(matching)} 个：" + "；".join(
                f"{self.label(d, short=True)} {m.words}" for m, d in listed) + "。"
            citations = [c for m, _ in listed for c in m.citations]
        else:
            text = f"没有部门的{condition}。各部门情况：" + "；".join(
                f"{self.label(d, short=True)} {m.words}" for m, d in found[:MAX_LISTED]) + "。"
            citations = [c for m, _ in found[:MAX_LISTED] for c in m.citations]
        if len(matching) > MAX_LISTED:
            text += f"（另有 {len(matching) - MAX_LISTED} 个未列出。）"
        text += f"（共查看 {len(found)} 个部门。）"
        return Answer(question, "filter", text, citations, years=sorted({d["year"] for _, d in found}))

    def _item_filter(self, question: str, query: Query) -> Answer | None:
        """The items (科目, 项目) of the documents in scope whose stated change or 决算 against 年初预算 meets the
        condition: "哪些科目决算数小于预算数", "增长超过100%的项目"."""
        documents = self._documents(query)
        if not query.years and query.departments:
            documents = self._latest_year(documents)
        seen, matching = self.facts.item_measures(documents, query.measure, lambda value: self._matches(query, value))
        if not seen:
            return None
        matching.sort(key=lambda entry: (-abs(entry[2].value)))
        listed = matching[:MAX_LISTED]
        lines = [f"{self.label(d, short=True)} {item}：{m.words}" for d, item, m in listed]
        condition = query.condition()
        text = (f"{condition}的有 {len(matching)} 项：" + "；".join(lines) + "。" if matching else
                f"没有{condition}的（查看了 {seen} 项）。")
        return Answer(question, "filter", text, [c for _, _, m in listed for c in m.citations],
                      years=sorted({d["year"] for d in documents}))

    def _list(self, question: str, query: Query) -> Answer | None:
        parts, citations, years = [], [], set()
        for item in self._items(query):
            found = self._ranked(query.merged(order="desc", direction=None), item, self._scope(query))
            if query.present or query.direction or query.threshold:
                found = [(m, d) for m, d in found if self._matches(query, m.value)]
            if not found:
                continue
            listed = found[:MAX_LISTED]
            parts.append(f"{item.name}（{len(found)} 个部门）：" + "；".join(
                f"{self.label(d, short=True)} {m.words}" for m, d in listed))
            citations += [c for m, _ in listed for c in m.citations]
            years |= {d["year"] for _, d in listed}
        if not parts:
            return None
        return Answer(question, "list", "。".join(parts) + "。", citations, years=sorted(years))

    def _count(self, question: str, query: Query) -> Answer | None:
        if query.measure == "documents" or not query.items:
            documents = self._documents(query)
            departments = {self._department(d) for d in documents}
            templates = [d for d in self._documents(query, named_templates=True) if d["is_template"]]
            what = f"{query.kind or '预算和决算'}公开文件"
            text = (f"语料中有 {len(departments)} 个部门的{what}，共 {len(documents)} 份"
                    + ("（按年份：" + "，".join(f"{year}年 {n} 份" for year, n in sorted(self._by_year(documents).items()))
                       + "）" if documents else "") + "。"
                    + (f"另有 {len(templates)} 份空白模板未计入。" if templates else "")
                    + ("部门：" + "、".join(sorted(self.lexicon.departments[k].name for k in departments)) + "。"
                       if departments else ""))
            citations = [self.facts.cite(d["id"], 1, 1, self.label(d)) for d in documents[:MAX_LISTED]]
            return Answer(question, "count", text, citations, years=sorted({d["year"] for d in documents}))
        item = self._items(query)[0]
        found = self._ranked(query, item, self._scope(query))
        if not found:
            return None
        matching = [(m, d) for m, d in found if self._matches(query, m.value)]
        text = (f"{query.condition()}的部门共 {len(matching)} 个（查看了 {len(found)} 个）"
                + ("：" + "；".join(f"{self.label(d, short=True)} {m.words}" for m, d in matching[:MAX_LISTED])
                   if matching else "") + "。")
        return Answer(question, "count", text, [c for m, _ in matching[:MAX_LISTED] for c in m.citations])

    @staticmethod
    def _by_year(documents: list[dict]) -> dict[int, int]:
        counts: dict[int, int] = {}
        for document in documents:
            counts[document["year"]] = counts.get(document["year"], 0) + 1
        return counts

    def _trend(self, question: str, query: Query) -> Answer | None:
        documents = self._one_each(self._documents(query.merged(years=[])), per_year=True)
        if query.years:
            documents = [d for d in documents if d["year"] in query.years]
        parts, citations = [], []
        for item in self._items(query):
            amounts = self.facts.amounts(item, documents) if query.measure not in ("count",) else \
                self.facts.counts(item, documents)
            by_department: dict[str, list[tuple[dict, Fact]]] = {}
            for document in sorted(documents, key=lambda d: d["year"] or 0):
                if document["id"] in amounts:
                    by_department.setdefault(self._department(document), []).append((document, amounts[document["id"]]))
            for key, series in by_department.items():
                steps = []
                for n, (document, fact) in enumerate(series):
                    step = f"{document['year']}年 {money(fact.value) if item.kind != 'count' else f'{fact.value:.0f}'}"
                    if n:
                        before = series[n - 1][1].value
                        step += f"（{signed_money(fact.value - before)}" + (
                            f"，{signed_rate((fact.value - before) / before * 100)}）" if before else "）")
                    steps.append(step)
                    citations.append(fact.citation)
                name = self.lexicon.departments[key].name
                parts.append(f"{name} {item.name}：" + "；".join(steps))
        if not parts:
            return None
        if all(len(p.split("；")) == 1 for p in parts):
            parts.append("语料中只有这一年的文件")
        return Answer(question, "trend", "。".join(parts) + "。", citations,
                      years=sorted({d["year"] for d in documents}))

    def _contradictions(self, question: str, query: Query) -> Answer | None:
        """The checker's errors for the documents in scope, the warnings after them; asked about an item
        ("职业年金那一条说明有错吗"), only the findings about it."""
        documents = self._documents(query)
        if not query.years and query.departments:
            documents = self._latest_year(documents)
        words = [word for item in self._items(query) for word in self.facts.keys(item) if len(word) >= 2]
        rows = list(self.facts.rows("SELECT * FROM findings WHERE severity IN ('error', 'warning') AND document IN"
                                    " ({ids}) ORDER BY document, severity, line", [d["id"] for d in documents]))
        about_item = [row for row in rows if any(word in row["message"] + (row["quote"] or "") for word in words)]
        if words and not about_item:
            words = []  # none names the item: all of them, said so, rather than "no problem"
        by_document: dict[int, list] = {}
        for row in about_item or rows:
            by_document.setdefault(row["document"], []).append(row)
        parts, citations = [], []
        for document in documents:
            for row in by_document.get(document["id"], []):
                kind = "矛盾" if row["severity"] == "error" else "疑点"
                parts.append(f"{self.label(document, short=True)}第{row['line']}行（{kind}）：{row['message']}")
                citations.append(self.facts.cite(document["id"], row["line"], row["page"], row["quote"][:200]))
        scope = "、".join(self.label(d, short=True) for d in documents[:5])
        about = f"关于{'、'.join(query.items)}" if words else ""
        if query.items and not words and by_document:
            about = f"（没有专门关于{'、'.join(query.items)}的发现，以下为全部）"
        if not parts:
            return Answer(question, "contradictions", f"检查没有发现{scope}{about}的矛盾或疑点。", [])
        errors = sum(1 for part in parts if "（矛盾）" in part)
        return Answer(question, "contradictions", f"{scope}{about}共 {errors} 处矛盾、{len(parts) - errors} 处疑点："
                      + "；".join(parts[:20]) + "。", citations[:20])

    def _passage_rows(self, documents: list[dict], pattern: str, limit: int = 5):
        return list(self.facts.rows("SELECT * FROM passages WHERE REPLACE(REPLACE(text, '“', ''), '”', '') LIKE ? "
                                    "AND document IN ({ids}) LIMIT " + str(limit), [d["id"] for d in documents],
                                    (pattern,)))

    def _passage_citation(self, row) -> Citation:
        return self.facts.cite(row["document"], row["line"], row["page"], row["text"][:200],
                               section=row["section"] or row["part"])

    def _definition(self, question: str, query: Query) -> Answer | None:
        term = query.term or re.sub(r"什么是|是什么意思|是什么|指什么|的含义|？|\?|名词解释", "", question).strip()
        if not term:
            return None
        words = [term] + [w for w in (self.lexicon.by_name[term].spec.get("synonyms", [])
                                      if term in self.lexicon.by_name else []) if len(w) >= 3][:3]
        documents = self._documents(query)
        if query.departments and not query.years:
            documents = self._latest_year(documents)
        for word in words:
            word = word.replace("（境）", "%")
            rows = [row for row in self._passage_rows(documents, f"%{word}%", 400)
                    if "名词解释" in (row["part"] or "") + (row["section"] or "") or "名词" in (row["part"] or "")]
            rows = rows or self._passage_rows(documents, f"%{word}：%", 5) or self._passage_rows(documents,
                                                                                                 f"%{word}是指%", 5)
            if rows:
                row = rows[0]
                return Answer(question, "definition", row["text"], [self._passage_citation(row)])
        return None

    def _why(self, question: str, query: Query) -> Answer | None:
        """The reason the document gives for the item's change (the 主要原因 after the sentence stating it);
        asked of the budget as a whole ("预算为啥涨这么多"), the first change of its overview that gives one."""
        documents = self._documents(query)
        if not query.years:
            documents = self._latest_year(documents)
        parts, citations = [], []
        for item in self._items(query) or [None]:
            changes = {} if item is None else {**self.facts.stated(item, documents, "change_amount"),
                                               **self.facts.stated(item, documents, "change_rate")}
            for document in documents:
                found = self._reason(document, item, changes.get(document["id"]))
                if found:
                    parts.append(f"{self.label(document, short=True)}{item.name if item else ''}：{found[0]}")
                    citations.append(found[1])
        if not parts:
            return None
        return Answer(question, "why", "；".join(parts) + "。", citations)

    def _reason(self, document: dict, item: Item | None, change: Fact | None) -> tuple[str, Citation] | None:
        rows: list = []
        if change is not None:  # the paragraph of the sentence stating the change, from that sentence on
            rows = [(row, change.citation.quote[:10]) for row in self.store.query(
                "SELECT * FROM passages WHERE document = ? AND line <= ? AND end_line >= ?",
                (document["id"], change.citation.line, change.citation.line))]
        words = self.facts.keys(item) if item is not None else [""]
        for word in words:
            rows += [(row, word) for row in self._passage_rows([document], f"%{word.replace('（境）', '%')}%原因%", 3)]
        for row, start in rows:
            text = row["text"][max(0, row["text"].find(start)):] if start else row["text"]
            if (match := REASON.search(text)) and len(match.group(1).strip()) > 1:
                return match.group(1).strip(), self._passage_citation(row)
        return None

    def _search(self, question: str, query: Query) -> Answer:
        return self._passages(question, query, "相关段落：", status="answered")

    def _passages(self, question: str, query: Query, prefix: str, status: str) -> Answer:
        """The closest passages: from the hybrid index when built, else by shared words."""
        documents = self._documents(query) or self.documents
        found = self._closest(question, query, documents)
        if status != "answered" and found:
            prefix += "最接近的段落："
        text = prefix + (" / ".join(c.quote[:60] for c in found) if found else "资料中没有找到相关内容。")
        return Answer(question, "search" if status == "answered" else query.operator, text, found, status=status,
                      source="passages")

    def _closest(self, question: str, query: Query, documents: list[dict]) -> list[Citation]:
        if self.vectors is not None and self.vectors.count():
            from retrieval.search import hybrid_search

            filters: dict = {"year": query.years[0]} if len(query.years) == 1 else {}
            if len(query.departments) == 1:
                filters["department"] = self.lexicon.departments[query.departments[0]].name
            found = hybrid_search(self.vectors, question, filters, k=5)
            if found:
                return [Citation(p.metadata["path"], p.metadata["department"], p.metadata["year"] or None,
                                 p.metadata["section"] or None, p.metadata["table"] or None,
                                 p.metadata["page"] or None, p.metadata["line"], p.page_content[:200]) for p in found]
        from retrieval.search import _tokens

        words = {w for w in _tokens(question) if len(w) >= 2}
        rows = self.facts.rows("SELECT * FROM passages WHERE document IN ({ids})", [d["id"] for d in documents])
        scored = sorted(((sum(1 for w in words if w in row["text"]), row) for row in rows), key=lambda p: -p[0])[:5]
        return [self._passage_citation(row) for score, row in scored if score > 0]
