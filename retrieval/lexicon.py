"""The lexicon a question is read with, built from the indexed facts plus the data files: every department
of the corpus by every name it goes by, every region, every item (the data's concepts and counts, every
科目 row name and code of every indexed table, other named rows such as projects)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from corpus.vocab import normalize
from retrieval.items import Item, concept_items, items_data, synonyms
from retrieval.names import aliases, region_shorts
from retrieval.vocabulary import question_words

NOT_AN_ITEM = re.compile(r"合计|总计|小计|^[\d.]+$|^[类款项]+$|^科目|^项目$|^其他$")
ROW_ITEM_LENGTH = (2, 40)


def department_of(document: dict) -> str:
    """The department identity of a stored document (its path where the reading found no department)."""
    return document["department_key"] or document["department"] or document["path"]


@dataclass
class Department:
    key: str
    name: str  # as its latest disclosure prints it
    region: str | None
    documents: list[dict] = field(default_factory=list)  # document rows, oldest first
    is_template: bool = False


class Lexicon:
    def __init__(self, store):
        self.documents = [dict(row) for row in store.documents()]
        self.departments: dict[str, Department] = {}
        self.department_names: dict[str, set[str]] = defaultdict(set)  # a name -> department keys
        self.bare_names: dict[str, set[str]] = defaultdict(set)
        self.regions: dict[str, str] = {}  # a name of a region -> the region
        self.items: dict[str, list[Item]] = defaultdict(list)  # a phrase -> the items it names
        self.by_name: dict[str, Item] = {}
        self.classified: dict[str, Item] = {}  # 科目 by name, also where a concept has the name (会议费)
        self._departments()
        self._items(store)

    # ------------------------------------------------------------------ departments and regions
    def _departments(self) -> None:
        for document in sorted(self.documents, key=lambda d: (d["year"] or 0, d["scope"] != "部门")):
            key = department_of(document)
            department = self.departments.setdefault(key, Department(key, document["department"] or key,
                                                                     document["region"]))
            department.documents.append(document)
            department.is_template = bool(document["is_template"])
            if document["scope"] == "部门" or not department.name:
                department.name, department.region = document["department"] or key, document["region"]
            named, _, bare = (document["aliases"] or "").partition("||")
            for name in filter(None, named.split("|")):
                self.department_names[name].add(key)
            for name in filter(None, bare.split("|")):
                self.bare_names[name].add(key)
            if document["region"]:
                self._region(document["region"])
        for name, keys in list(self.bare_names.items()):  # a bare name that is also a full one is full
            if name in self.department_names:
                del self.bare_names[name]
        self.names_of: dict[str, set[str]] = defaultdict(set)  # department key -> every name it goes by
        for table in (self.department_names, self.bare_names):
            for name, keys in table.items():
                for key in keys:
                    self.names_of[key].add(name)
        for department in self.departments.values():
            self.names_of[department.key] |= {department.name, department.key}
        for region, contained in aliases().get("contains", {}).items():
            if any(place in self.regions.values() for place in contained):
                self._region(region)

    def _region(self, region: str) -> None:
        self.regions[region] = region
        for short in region_shorts(region):
            if len(short) >= 2:
                self.regions.setdefault(short, region)
        for level in re.findall(r".+?(?:自治区|自治州|省|市|区|县)", region)[:-1]:
            self._region(level)

    def in_region(self, department: Department, region: str) -> bool:
        places = {department.region or "", department.name}
        contained = aliases().get("contains", {}).get(region, [])
        return any(place.startswith(region) or any(place.startswith(c) for c in contained) for place in places)

    # ------------------------------------------------------------------ items
    def _add(self, phrase: str, item: Item) -> None:
        phrase = normalize(phrase)
        if phrase and item not in self.items[phrase]:
            self.items[phrase].append(item)

    def _items(self, store) -> None:
        concepts = concept_items()
        for item in concepts:
            self.by_name[item.name] = item
            for word in synonyms(item):
                self._add(word, item)
        taken = set(self.items)
        codes_by_name: dict[str, set[str]] = defaultdict(set)
        labels_by_code: dict[str, Counter] = defaultdict(Counter)
        rows: dict[str, set[str]] = defaultdict(set)
        for row in store.query("SELECT term, kind, code, table_kind, COUNT(DISTINCT document) AS n FROM terms "
                               "GROUP BY term, kind, code, table_kind"):
            term = row["term"] or ""
            if row["kind"] != "row" or NOT_AN_ITEM.search(term) and not row["code"]:
                continue
            if row["code"]:
                codes_by_name[term].add(row["code"])
                labels_by_code[row["code"]][term] += row["n"]
            elif ROW_ITEM_LENGTH[0] <= len(term) <= ROW_ITEM_LENGTH[1] and row["table_kind"]:
                rows[term].add(row["table_kind"])
        prefixes = items_data().get("subject_prefixes", [])
        for name, codes in codes_by_name.items():
            if not name:
                continue
            item = Item(name, "科目", frozenset(codes))
            self.classified[name] = item
            if name in taken:
                continue
            self.by_name.setdefault(name, item)
            self._add(name, item)
            for prefix in prefixes:  # 机关事业单位职业年金缴费支出 is asked as 职业年金缴费支出
                if name.startswith(prefix) and len(name) - len(prefix) >= 4:
                    self._add(name[len(prefix):], item)
        for code, labels in labels_by_code.items():
            name = labels.most_common(1)[0][0]  # the name most documents print for the code
            self._add(code, Item(name, "科目", frozenset({code})))
        common = set(question_words()["stopwords"]["words"])
        for name, tables in rows.items():
            if name in taken or name in codes_by_name or name in common or len(name) < 3 or re.search(r"\d", name):
                continue
            item = Item(name, "row", tables=tuple(sorted(tables)))
            self.by_name.setdefault(name, item)
            self._add(name, item)

    def ambiguous_words(self) -> dict[str, dict]:
        return items_data().get("ambiguous", {})

    def real_departments(self) -> list[Department]:
        return [d for d in self.departments.values() if not d.is_template]
