"""Reading a question into a query (retrieval/query.py), rule-based and explainable.

The question goes through a spaCy pipeline (the medspacy way: rules as data, components in a pipeline): a
tokenizer that keeps every name of the lexicon whole and cuts the rest with jieba, and an EntityRuler whose
phrase patterns are the lexicon (departments, regions, items) and the cue words of data/question.toml.
Figures (years, thresholds, 前N) are read by patterns on the text. The parts then combine into one query by
the rules below; what is left over and carries content is a part the reader did not understand, and the
answer says so instead of guessing. English questions are first read into Chinese words (data/english.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.numbers import fold_digits
from corpus.vocab import normalize
from retrieval.lexicon import Lexicon
from retrieval.names import abbreviates, aliases, organisation_mention
from retrieval.query import Query, Threshold
from retrieval.vocabulary import english, question_words

CHINESE_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
YEAR = re.compile(r"(20\d{2})\s*年?|(?<![\d.])([1-3]\d)\s*年(?!度?\d)")
YEAR_RANGE = re.compile(r"(20\d{2})\s*年?\s*(?:到|至|-|—|–|~|～|to|and)\s*(20\d{2})\s*年?")
TOP = re.compile(r"(?:前|top)\s*(\d+|[一二两三四五六七八九十])\s*(?:名|个|位|家|大)?"
                 r"|(?:最多|最高|最大|最少|最低|最小)的\s*(\d+|[一二两三四五六七八九十])\s*(?:个|家|名|位)"
                 r"|(\d+|[一二两三四五六七八九十])\s*(?:个|家)(?:部门|单位)(?:最多|最高|最大|最少|最低|最小)")
SINGULAR = re.compile(r"哪个|哪一个|哪家|哪一家|是谁|谁的|哪个部门|哪个单位")
SUPERLATIVE = re.compile(r"最(?:多|少|高|低|大|小|贵|省)|第一|居首")
COMPLETION = re.compile(r"完成率|完成预算|完成了|执行率|完成比例|百分之")
SCOPE_OF = re.compile(r"(?:几个|多少个)(?:部门|单位)(?:里|中|当中|之中)")
RANK_ALL = re.compile(r"哪些|各|排|前|所有|都|分别|列")
NUMBER = r"(\d+(?:\.\d+)?)\s*(%|％|个百分点|万元|万|亿元|亿|百万元|千元|元)?"
ABOVE = r"超过|大于|高于|多于|不少于|不低于|达到|超出|逾|过|>=|≥|>"
BELOW = r"低于|少于|小于|不足|不到|不超过|不高于|<=|≤|<"
THRESHOLD = re.compile(rf"({ABOVE}|{BELOW})\s*{NUMBER}|{NUMBER}\s*(以上|以下|及以上|及以下)|(过|超过)(亿|千万|百万)")
ROUND_UNITS = {"亿": 10000, "千万": 1000, "百万": 100}
UNIT_TO_WAN = {"万元": 1, "万": 1, "亿元": 10000, "亿": 10000, "百万元": 100, "千元": 0.1, "元": 0.0001}
ITEM_SUFFIX = re.compile(r"(?:费|费用|经费|支出|收入|资金|补助|补贴|拨款|津贴|奖金|开支|成本)$")
WORD = re.compile(r"[a-z][a-z'\-]*")
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
REGION_LEVELS = "省市区州县"
QUANTIFIER = re.compile(r"[几两一二三四五六七八九十各这那哪每某]+[个家位]?|.+们")
COMPARED_YEAR = re.compile(r"(?:比|较|与|和|对比|相比)\s*(20\d{2})\s*年")
BASE = re.compile(r"占")


def from_english(question: str) -> tuple[str, list[str]]:
    """English phrases as their Chinese words; the English words left that carry content."""
    pattern, phrases, stopwords = english()

    def stop(word: str) -> bool:
        word = word.strip("'")
        return word in stopwords or word.rstrip("s") in stopwords or word.removesuffix("'s") in stopwords

    text = pattern.sub(lambda m: f" {phrases[m.group(1)]} ", question.lower())
    originals = {word.lower(): word for word in re.findall(r"[A-Za-z][A-Za-z'\-]*", question)}
    leftover = [originals.get(w, w) for w in WORD.findall(text) if not stop(w)]
    text = WORD.sub(lambda m: " " if stop(m.group(0)) else m.group(0), text)
    return text, leftover


class LexiconSegmenter:
    """jieba, except that every name of the lexicon (two characters or more) comes out as one word whatever
    surrounds it: '普陀区司法局2026年的因公出国（境）费' -> 普陀区司法局 / 2026 / 年 / 的 / 因公出国（境）费."""

    def __init__(self, phrases: set[str], jieba_tokenizer):
        # codes (2040601) stay jieba's: a code inside a year or a figure is none
        self.phrases = {phrase for phrase in phrases if len(phrase) >= 2 and not phrase.isdigit()}
        self.lengths = sorted({len(phrase) for phrase in self.phrases}, reverse=True)
        self.jieba = jieba_tokenizer

    def cut(self, text: str, cut_all: bool = False):
        """The lexicon's names where they cover the most characters (the fewest names at equal cover: '的预算和
        决算' reads 预算和决算, not 的预算 + 决算), jieba between them."""
        size = len(text)
        best: list[tuple[int, int, int]] = [(0, 0, 0)] * (size + 1)  # (-covered, names, length of last step)
        for end in range(1, size + 1):
            options = [(best[end - 1][0], best[end - 1][1], 1)]
            for length in self.lengths:
                if length <= end and text[end - length:end] in self.phrases:
                    options.append((best[end - length][0] - length, best[end - length][1] + 1, length))
            best[end] = min(options)
        pieces, end = [], size
        while end > 0:
            step = best[end][2]
            pieces.append((end - step, end, step > 1))  # names are two characters or more
            end -= step
        pieces.reverse()
        plain = ""
        for start, stop, is_name in pieces:
            if is_name:
                if plain:
                    yield from self.jieba.cut(plain, HMM=False)
                    plain = ""
                yield text[start:stop]
            else:
                plain += text[start:stop]
        if plain:
            yield from self.jieba.cut(plain, HMM=False)


@dataclass
class Parts:
    """What the pipeline found in a question, before the rules combine it."""

    text: str
    departments: list[tuple[str, list[str]]] = field(default_factory=list)  # (as written, department keys)
    foreign: list[str] = field(default_factory=list)  # a name led by a place the department is not in
    regions: list[str] = field(default_factory=list)
    items: list[tuple[str, list]] = field(default_factory=list)  # (as written, items)
    cues: dict[str, list[str]] = field(default_factory=dict)  # slot -> values, in question order
    cue_words: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    english_leftovers: list[str] = field(default_factory=list)

    def has(self, slot: str, value: str | None = None) -> bool:
        return slot in self.cues and (value is None or value in self.cues[slot])


class Reader:
    def __init__(self, lexicon: Lexicon):
        from checker.nlp import blank_chinese, segmenter

        self.lexicon = lexicon
        words = question_words()
        self.roles: dict[str, list[tuple[str, str]]] = {}
        for slot in ("operators", "measures", "directions", "orders", "filters", "kinds", "scopes", "years",
                     "followup", "sections"):
            for value, phrases in words[slot].items():
                if value == "both":
                    continue
                for phrase in phrases:
                    self.roles.setdefault(normalize(phrase), []).append((slot, value))
        self.stopwords = set(words["stopwords"]["words"])
        labels: dict[str, str] = {}
        for phrase in self.roles:
            labels[phrase] = "CUE"
        for phrase in lexicon.regions:
            labels[normalize(phrase)] = "REGION"
        for phrase in lexicon.items:
            labels[phrase] = "ITEM"
        for phrase in lexicon.ambiguous_words():
            labels[normalize(phrase)] = "ITEM"
        for phrase in lexicon.bare_names:
            labels[phrase] = "BARE"
        for phrase in lexicon.department_names:
            labels[phrase] = "DEPT"
        self.labels = labels
        self.nlp = blank_chinese(LexiconSegmenter(set(labels), segmenter()))
        ruler = self.nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
        ruler.add_patterns([{"label": label, "pattern": phrase} for phrase, label in labels.items()])

    # ------------------------------------------------------------------ the pipeline
    def parts(self, question: str) -> Parts:
        text, english_left = from_english(fold_digits(question))
        text = normalize(text)
        parts = Parts(text, english_leftovers=english_left)
        consumed = [m.span() for pattern in (YEAR_RANGE, YEAR, TOP, THRESHOLD) for m in pattern.finditer(text)]
        doc = self.nlp(text)
        in_entity = {i for entity in doc.ents for i in range(entity.start, entity.end)}
        for entity in doc.ents:
            phrase = entity.text
            before = doc[entity.start - 1].text if entity.start else ""
            if entity.label_ in ("DEPT", "BARE") and entity.start - 1 not in in_entity and before \
                    and CHINESE.fullmatch(before) and before not in self.stopwords and not QUANTIFIER.fullmatch(before) \
                    and (entity.label_ == "BARE" or phrase[0] in REGION_LEVELS):
                # "北京市财政局": 北京 + 市财政局 (a short form of 上海市财政局) is another city's bureau
                in_entity.add(entity.start - 1)
                parts.foreign.append(before + phrase)
                continue
            if entity.label_ == "DEPT":
                parts.departments.append((phrase, sorted(self.lexicon.department_names[phrase])))
            elif entity.label_ == "BARE":
                parts.departments.append((phrase, sorted(self.lexicon.bare_names[phrase])))
            elif entity.label_ == "REGION":
                parts.regions.append(self.lexicon.regions[phrase])
            elif entity.label_ == "ITEM":
                parts.items.append((phrase, self.lexicon.items.get(phrase) or [phrase]))
            else:
                parts.cue_words.append(phrase)
                for slot, value in self.roles[phrase]:
                    parts.cues.setdefault(slot, []).append(value)
        run = ""
        for token in doc:
            covered = any(start <= token.idx < end for start, end in consumed)
            if token.i in in_entity or covered or token.text in self.stopwords or not token.text.strip() \
                    or re.fullmatch(r"[\d.,%％]+", token.text):
                if run:
                    parts.leftovers.append(run)
                run = ""
            else:
                run += token.text
        if run:
            parts.leftovers.append(run)
        return parts

    # ------------------------------------------------------------------ the rules
    def read(self, question: str, previous: Query | None = None, answered_years: list[int] | None = None) -> Query:
        """The question as a query; a follow-up of `previous` (whose figures were of `answered_years`) is
        completed from it."""
        parts = self.parts(question)
        query = Query()
        self._when(parts, query)
        self._who(parts, query)
        self._what(parts, query)
        self._how(parts, query)
        followup = previous is not None and self._is_followup(parts, query)
        self._unknown(parts, query, followup)
        if followup:
            query = self._complete(previous, query, parts, answered_years or [])
        query.names = {d.key: d.name for d in self.lexicon.departments.values()}
        return query

    def _when(self, parts: Parts, query: Query) -> None:
        text = parts.text
        compared = {int(year) for year in COMPARED_YEAR.findall(text)}
        if match := YEAR_RANGE.search(text):
            first, last = sorted((int(match.group(1)), int(match.group(2))))
            query.years = list(range(first, last + 1))
        else:
            years = {int(full) if full else 2000 + int(short) for full, short in YEAR.findall(text)}
            if compared and years - compared:  # "2025年…比2024年多了多少": 2025's figure against 2024's
                query.versus = max(compared)
            elif compared:  # "比2025年执行数增加了多少": the year after the one compared with
                query.versus = max(compared)
                years = {query.versus + 1}
            query.years = sorted(years)
        query.latest = parts.has("years", "latest") and not query.years
        query.all_years = parts.has("years", "all") and not query.years
        if match := TOP.search(text):
            value = next(group for group in match.groups() if group)
            query.top = int(value) if value.isdigit() else CHINESE_NUMERALS.get(value, 1)
        if match := THRESHOLD.search(text):
            if match.group(7):  # 过亿
                query.threshold = Threshold(">", float(ROUND_UNITS[match.group(8)]), "万元")
            word = match.group(1) or match.group(6) or ""
            number = match.group(2) or match.group(4)
            unit = match.group(3) or match.group(5) or ""
            below = bool(re.fullmatch(BELOW, word)) or word.endswith("以下")
            inclusive = word in ("不少于", "不低于", "达到", "及以上", "不超过", "不高于", "及以下", ">=", "≥", "<=", "≤")
            op = ("<=" if inclusive else "<") if below else (">=" if inclusive else ">")
            if number is not None and unit in ("%", "％", "个百分点"):
                query.threshold = Threshold(op, float(number), "%")
            elif number is not None:
                query.threshold = Threshold(op, float(number) * UNIT_TO_WAN.get(unit or "万元", 1), "万元")
        kinds = question_words()["kinds"]
        for written, _ in parts.items:  # "一般公共预算里" says no kind of document
            text = text.replace(written, "|")
        if not any(normalize(word) in text for word in kinds["both"]):
            if any(normalize(word) in text for word in kinds["决算"]):
                query.kind = "决算"
            elif any(normalize(word) in text for word in kinds["预算"]):
                query.kind = "预算"
        if parts.has("scopes"):
            query.scope = parts.cues["scopes"][0]

    def _in_regions(self, key: str, regions: list[str]) -> bool:
        return any(self.lexicon.in_region(self.lexicon.departments[key], region) for region in regions)

    def _who(self, parts: Parts, query: Query) -> None:
        plural = parts.has("operators", "list") or parts.has("operators", "plural") or parts.has("operators", "rank")
        query.regions = list(dict.fromkeys(parts.regions))
        query.absent += parts.foreign
        mentions = []
        for written, keys in parts.departments:
            others = {key for other, found in parts.departments if other != written for key in found}
            if set(keys) <= others and written in self.lexicon.items:  # "高级人民法院…法院这个款": the 科目
                parts.items.append((written, self.lexicon.items[written]))
            else:
                mentions.append((written, keys))
        # a name of an organisation the lexicon lacks: an abbreviation of one it has, a word that ends the names
        # of several (办公厅), the start of a name in the region named (江苏省 + 政协), or one the corpus lacks
        inside = [d for d in self.lexicon.real_departments() if parts.leftovers and (
            not query.regions or self._in_regions(d.key, query.regions))]  # only asked where words are left over
        for run in list(parts.leftovers):
            generic = run in aliases()["generic_names"]
            if generic:
                keys = [d.key for d in inside if any(name.endswith(run) for name in self.lexicon.names_of[d.key])]
            elif organisation_mention(run) or query.regions:
                keys = [d.key for d in inside if any(abbreviates(run, name) or name.startswith(run)
                                                     for name in self.lexicon.names_of[d.key])]
                if not keys and not organisation_mention(run):
                    continue
            else:
                continue
            parts.leftovers.remove(run)
            mentions.append((run, keys))
        for written, keys in mentions:
            if query.regions:  # "昌吉州财政局": the bureau of that region only
                keys = [key for key in keys if self._in_regions(key, query.regions)]
            if not keys:
                query.absent.append("".join(query.regions[-1:]) + written if query.regions else written)
            elif len(keys) == 1:
                query.departments.append(keys[0])
            elif plural or QUANTIFIER.search(parts.text.split(written)[0][-3:] or "-"):
                query.departments += [key for key in keys if key not in query.departments]  # "哪个总工会…最多"
                query.grouped = True
            else:
                query.ambiguous[written] = keys
        if query.departments or query.absent or query.ambiguous:
            # a region named beside a department says where it is, not which departments to take
            query.regions = [r for r in query.regions if not any(self._in_regions(key, [r])
                                                                 for key in query.departments + [
                                                                     k for ks in query.ambiguous.values() for k in ks])]
        elif query.regions:  # "昌吉州各部门": the departments of the region
            query.departments = [d.key for d in self.lexicon.real_departments() if self._in_regions(d.key, query.regions)]
            query.grouped = True
        query.departments = list(dict.fromkeys(query.departments))

    def _what(self, parts: Parts, query: Query) -> None:
        ambiguous = self.lexicon.ambiguous_words()
        items, base = [], None
        for written, found in parts.items:
            if written in ambiguous:
                meaning = ambiguous[written]
                rest = parts.text.replace(written, "")
                money = any(word in rest for word in meaning.get("money_words", []))
                item = self.lexicon.by_name[meaning["amount" if money else "count"]]
            else:
                item = found[0]
            at = parts.text.find(written)
            if BASE.search(parts.text[max(0, at - 3):at]):  # "占收入的比重": what the share is of
                base = item
                continue
            items.append(item)
        items = self._narrow(items)
        if base is None and len(items) == 2 and parts.has("measures", "share"):  # "share of its income from unit funds"
            for whole, part in (items, items[::-1]):
                if getattr(part, "base", None) == getattr(whole, "name", None):
                    base, items = whole, [part]
                    break
        # a fund beside a 科目 says which table to read ("一般公共预算" + "行政运行"), not a second item
        if any(getattr(i, "kind", "") in ("科目", "row") for i in items):
            funds = [i for i in items if getattr(i, "is_fund", False)]
            if funds:
                query.fund = funds[0].name
                items = [i for i in items if not getattr(i, "is_fund", False)]
        if not items:  # "职业年金": the start of 科目 names, the most specific one (the shortest) of them
            for run in list(parts.leftovers):
                named = sorted((n for n in self.lexicon.classified if len(run) >= 3 and n.startswith(run)
                                or len(run) >= 4 and run in n), key=len)
                if named:
                    items.append(self.lexicon.classified[named[0]])
                    parts.leftovers.remove(run)
                    break
        query.items = list(dict.fromkeys(getattr(item, "name", str(item)) for item in items))
        query.base = getattr(base, "name", None)
        if parts.has("operators", "definition"):
            query.term = query.items[0] if query.items else (parts.leftovers[0] if parts.leftovers else None)

    @staticmethod
    def _narrow(items: list) -> list:
        """'城乡社区管理事务 行政运行': a 科目 named with its parent is the child under that parent only."""
        from retrieval.items import Item

        out = list(items)
        for parent in items:
            for child in items:
                if parent is child or getattr(parent, "kind", "") != "科目" or getattr(child, "kind", "") != "科目":
                    continue
                under = frozenset(c for c in child.codes if any(c.startswith(p) and c != p for p in parent.codes))
                if under and parent in out and child in out:
                    out[out.index(child)] = Item(child.name, "科目", under)
                    out.remove(parent)
        return out

    def _how(self, parts: Parts, query: Query) -> None:
        has = parts.has
        items = [self.lexicon.by_name.get(name) for name in query.items]
        counting = any(item is not None and item.kind == "count" for item in items) or has("measures", "count")
        direction = (parts.cues.get("directions") or [None])[0]
        explicit_change = has("measures", "change_amount")
        share = has("measures", "share") or query.base is not None
        # the measure
        if has("measures", "budget_vs_final"):
            query.measure = "budget_vs_final"
            query.ratio = bool(COMPLETION.search(parts.text))
        elif share and not direction and not explicit_change:
            query.measure = "share"
        elif has("measures", "change_rate") or (query.threshold and query.threshold.unit == "%"
                                                 and (direction or has("measures", "change_amount"))):
            query.measure = "change_rate"
        elif counting and not explicit_change and not direction:
            query.measure = "count"
        elif explicit_change or direction or query.versus:
            query.measure = "change_amount"
        if counting and not query.items:
            query.items = [self.lexicon.by_name["实有人数"].name]
        # the operator
        several = len(query.departments) >= 2
        plural = has("operators", "plural") or has("operators", "list")
        zero = has("filters", "zero") and not direction and query.threshold is None
        condition = bool(direction or query.threshold or zero or has("filters", "present"))
        named = bool(query.departments) and not query.grouped
        if has("operators", "definition"):
            query.operator = "definition"
        elif has("operators", "contradictions"):
            query.operator = "contradictions"
        elif has("operators", "why"):
            query.operator = "why"
        elif has("operators", "search"):
            query.operator = "search"
        elif (has("operators", "count") or has("measures", "documents")) and not counting \
                and not SCOPE_OF.search(parts.text):
            query.operator, query.measure = "count", query.measure if query.items else "documents"
        elif several and query.grouped and (has("operators", "compare") or has("operators", "rank")
                                            or SINGULAR.search(parts.text) and not condition) \
                or has("operators", "rank") or query.top or has("followup", "rank_by") and has("measures"):
            query.operator = "rank"
        elif has("operators", "compare") and (several or len(query.items) > 1) or several and not plural \
                and not query.grouped:
            query.operator = "compare"
        elif has("operators", "trend") or (len(query.years) > 1 and len(query.departments) == 1
                                           and not query.versus):
            query.operator = "trend"
        elif condition and (plural or not named) and not query.ambiguous and not query.absent \
                and (plural or not counting or direction):
            query.operator = "filter"
        elif (plural and not named) or query.grouped or (query.items and not query.departments
                                                         and not query.ambiguous and not query.absent):
            query.operator = "list"
        elif query.items or has("measures"):
            query.operator = "value"
        else:
            query.operator = "search"
        if has("operators", "over_items") and not query.items and query.operator in ("filter", "rank", "list",
                                                                                       "count", "value"):
            query.over = "items"  # "哪些科目决算数小于预算数", "增长超过100%的项目"
            query.operator = "rank" if query.operator == "rank" else "filter"
        if query.operator in ("filter", "rank", "count", "list"):
            query.direction = direction
            if zero:
                query.threshold = Threshold("<=", 0.0, "万元")
            query.present = has("filters", "present") and query.operator == "filter" and not direction \
                and not query.threshold
        if query.operator == "filter" and query.direction and query.measure == "amount":
            query.measure = "change_amount"
        if query.operator == "rank":
            orders = parts.cues.get("orders") or []
            query.order = orders[0] if orders else "desc"
            if query.direction == "down" and query.measure in ("change_amount", "change_rate"):
                query.order = "desc"  # 减少最多: the largest decrease first
            if query.top is None and (SINGULAR.search(parts.text) or SUPERLATIVE.search(parts.text)
                                      and not RANK_ALL.search(parts.text)):
                query.top = 1

    def _unknown(self, parts: Parts, query: Query, followup: bool = False) -> None:
        """Content the reader did not place: an item-like word when no item was read, or any word when
        nothing at all was read; a measure gouji cannot work out (平均, 人均); English words that are no known
        phrase."""
        for word in question_words()["unsupported"]["words"]:
            if word.lower() in parts.text.lower() or any(word.lower() == w.lower() for w in parts.english_leftovers):
                query.unknown.append(word if word.lower() not in parts.text.lower() else
                                     next((run for run in parts.leftovers if word.lower() in run.lower()), word))
        leftovers = [run for run in parts.leftovers if len(run) >= 2 and not run.isdigit()
                     and run not in query.unknown]
        for run in leftovers:
            if ITEM_SUFFIX.search(run) or not (query.items or followup or query.operator in (
                    "definition", "contradictions", "count", "why")):
                query.unknown.append(run)
        query.unknown += [word for word in parts.english_leftovers if len(word) > 2 and word not in query.unknown]

    # ------------------------------------------------------------------ follow-ups
    def _is_followup(self, parts: Parts, query: Query) -> bool:
        opens = any(parts.text.startswith(normalize(word)) for word in question_words()["followup"]["opens"])
        closes = any(parts.text.endswith(normalize(word)) for word in question_words()["followup"]["closes"])
        incomplete = not query.items and query.operator not in ("definition", "contradictions")
        return opens or closes or (incomplete and len(parts.text) <= 12)

    def _complete(self, previous: Query, new: Query, parts: Parts, answered_years: list[int]) -> Query:
        """The previous query with what the follow-up says instead: its departments, years, items, measure,
        ranking, count or region."""
        done = previous.merged(unknown=list(new.unknown), ambiguous=dict(new.ambiguous), absent=list(new.absent),
                               followup=True)
        if new.departments and not new.grouped or new.ambiguous or new.absent:
            done.departments = list(new.departments)
            done.grouped = False
            if len(new.departments) == 1 and done.operator in ("list", "rank", "filter", "count"):
                done.operator = "value"  # "省检察院呢" after a ranking: that department's figure
            if done.years and not any(d["year"] in done.years for key in new.departments
                                      for d in self.lexicon.departments[key].documents):
                done.years = []  # that department has no disclosure of those years: its latest
        elif new.regions:  # "只看普陀区呢", "尉犁县的呢": the departments of the region among those asked about
            inside = [d.key for d in self.lexicon.real_departments() if self._in_regions(d.key, new.regions)]
            kept = [key for key in previous.departments if key in inside]
            done.departments = kept if len(kept) > 1 and previous.grouped else inside
            done.regions = list(new.regions)
            done.grouped = len(done.departments) > 1
        if new.items:
            done.items = list(new.items)
            done.unknown = [u for u in done.unknown if u not in new.items]
        if new.years:
            done.years = list(new.years)
        elif parts.has("years", "previous"):
            done.years = [year - 1 for year in (previous.years or answered_years)]
            done.latest = done.all_years = False
        if new.kind:
            done.kind = new.kind
        if new.scope:
            done.scope = new.scope
        if new.operator == "count":
            done.operator = "count"
        if new.top:
            done.top = new.top
            done.operator = "rank"
        if new.operator == "rank" or parts.has("followup", "rank_by"):
            done.operator = "rank"
            done.order = new.order or done.order or "desc"
            # "按增幅排呢": the ranking again by another measure, as long as it was ("前三" stays; "哪个" opens up)
            done.top = new.top or (previous.top if previous.top != 1 else None)
            if new.measure != "amount":
                done.measure = new.measure
            if new.direction or new.measure != previous.measure:
                done.direction = new.direction
            if len(done.departments) <= 1 and not new.departments:
                done.departments, done.grouped = [], False  # ranking one department is no ranking
        elif new.measure not in ("amount", "documents") and new.measure != previous.measure:
            done.measure = new.measure
        elif new.items and previous.measure == "count" and new.measure == "amount":
            done.measure = "amount"  # "And its reception expenses?" after a count of people
        if new.direction:
            done.direction = new.direction
        if new.threshold:
            done.threshold = new.threshold
        if new.base:
            done.base = new.base
        if len(done.departments) >= 2 and done.operator == "value" and not done.grouped:
            done.operator = "compare"
        if len(done.departments) == 1 and done.operator == "compare":
            done.operator = "value"
        return done
