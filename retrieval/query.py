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

    def condition(self) -> str:
        """The condition of a filter in words: 三公经费增加, 三公经费下降超过10%, 因公出国（境）费为零."""
        what = "、".join(self.items) or "项目"
        rate = self.measure == "change_rate"
        verb = {"up": "增长" if rate else "增加", "down": "下降" if rate else "减少", "flat": "持平"}.get(
            self.direction or "", "")
        if self.measure == "budget_vs_final":
            verb = {"up": "决算数大于年初预算", "down": "决算数小于年初预算", "flat": "决算数等于年初预算"}.get(
                self.direction or "", "决算数与年初预算相比")
        limit = self.threshold.words() if self.threshold else ""
        if self.present:
            limit = "有安排"
        return f"{what}{verb}{limit}"

    def describe(self) -> str:
        """The query in words, as the chat shows a completed follow-up: "万里街道 2024年 三公经费 增减额",
        "各部门 2019年 三公经费增幅最大的前3个"."""
        if self.grouped and self.regions:
            who = "、".join(self.regions) + "各部门"
        elif self.grouped and len(self.departments) > 3:
            who = f"{len(self.departments)} 个部门"
        else:
            who = "、".join(self.names.get(key, key) for key in self.departments) or "各部门"
        when = ("、".join(f"{year}年" for year in self.years) if self.years else "历年" if self.all_years else "")
        what = "、".join(self.items)
        measure = MEASURE_WORDS[self.measure] if self.measure not in ("amount", "documents") else ""
        if self.operator == "rank":
            head = ("最少" if self.order == "asc" else "最多") if self.measure in ("amount", "count") else \
                ("最小" if self.order == "asc" else "最大")
            how = f"{measure}{head}的" + (f"前{self.top}个" if self.top and self.top > 1 else "") + (
                "项目" if self.over == "items" else "部门")
            measure = ""
        else:
            how = {"value": "", "list": "列表", "filter": "筛选", "count": "计数", "compare": "比较",
                   "trend": "历年变化", "why": "的原因", "definition": "的含义", "contradictions": "的矛盾",
                   "search": "检索"}[self.operator]
        if self.operator in ("filter", "count") and (self.direction or self.threshold or self.present):
            what, measure, how = self.condition(), "", "的" + ("项目" if self.over == "items" else "部门") + (
                "有几个" if self.operator == "count" else "")
        parts = [who, when, self.kind or "", self.scope or "", what + measure + how]
        return " ".join(part for part in parts if part)
