"""A question read into a structured query: who (departments, regions, or all), when (years, latest), which
documents (预算/决算, 部门/单位), what (items), which measure, which operator, and the filters. The JSON
output shows it, so a user and a test can see how a question was read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

OPERATORS = ("value", "list", "rank", "filter", "count", "compare", "trend", "why", "definition",
             "contradictions", "search")
MEASURES = ("amount", "change_amount", "change_rate", "share", "count", "documents", "budget_vs_final")
MEASURE_WORDS = {"amount": "金额", "change_amount": "增减额", "change_rate": "增减幅度", "share": "占比",
                 "count": "数量", "documents": "文件数", "budget_vs_final": "决算与年初预算"}


@dataclass
class Threshold:
    op: str  # > >= < <=
    value: float
    unit: str  # % | 万元

    def holds(self, figure: float) -> bool:
        return {">": figure > self.value, ">=": figure >= self.value, "<": figure < self.value,
                "<=": figure <= self.value}[self.op]

    def words(self) -> str:
        if self.op == "<=" and self.value == 0:
            return "为零"
        word = {">": "超过", ">=": "不低于", "<": "低于", "<=": "不超过"}[self.op]
        return f"{word}{self.value:g}{self.unit}"


@dataclass
class Query:
    operator: str = "search"
    measure: str = "amount"
    items: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # department identities (names.department_key)
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    latest: bool = False
    all_years: bool = False
    kind: str | None = None  # 预算 | 决算
    scope: str | None = None  # 部门 | 单位
    order: str | None = None  # desc | asc
    top: int | None = None
    direction: str | None = None  # up | down | flat
    threshold: Threshold | None = None  # 为零: <= 0 万元
    present: bool = False
    # what the reader could not settle: the answer says so instead of guessing
    unknown: list[str] = field(default_factory=list)  # parts not understood
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # a name -> the departments it may mean
    absent: list[str] = field(default_factory=list)  # departments named that the corpus does not hold
    term: str | None = None  # the word a definition question asks about
    fund: str | None = None  # the fund a 科目 is asked of (一般公共预算 + 行政运行: that fund's table)
    base: str | None = None  # what a share is of ("占收入的比重")
    versus: int | None = None  # the year a change is against ("比2024年多了多少")
    ratio: bool = False  # 决算 against 预算 as a rate (完成率), not a difference
    over: str = "departments"  # departments | items: what a filter or ranking lists
    followup: bool = False  # completed from the previous question of the chat
    grouped: bool = False  # the departments are all those one name fits ("哪个总工会…最多")
    names: dict[str, str] = field(default_factory=dict, repr=False)  # department key -> name, for display

    @property
    def item(self) -> str | None:
        return self.items[0] if self.items else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("names")
        data.pop("grouped")
        data["item"] = self.item
        data["departments"] = [self.names.get(key, key) for key in self.departments]
        if self.threshold is None:
            data["threshold"] = None
        return data

    def merged(self, **changes) -> Query:
        return replace(self, **changes)

    def describe(self) -> str:
        """The query in words, as the chat shows a completed follow-up: 普陀区司法局 2025年 三公经费 增减幅度 排名."""
        who = "、".join(self.names.get(key, key) for key in self.departments) or "、".join(self.regions) or "各部门"
        when = ("、".join(f"{year}年" for year in self.years) if self.years else
                "历年" if self.all_years else "")
        what = "、".join(self.items)
        how = {"value": "", "list": "列表", "rank": ("从低到高排" if self.order == "asc" else "从高到低排")
               + (f"前{self.top}" if self.top else ""), "filter": "筛选", "count": "计数", "compare": "比较",
               "trend": "历年变化", "why": "原因", "definition": "含义", "contradictions": "矛盾",
               "search": "检索"}[self.operator]
        condition = {"up": "增加的", "down": "减少的", "flat": "持平的"}.get(self.direction or "", "")
        if self.threshold:
            condition += self.threshold.words()
        parts = [who, when, self.kind or "", self.scope or "", condition + what,
                 MEASURE_WORDS[self.measure] if self.measure != "amount" else "", how]
        return " ".join(part for part in parts if part)
