"""Who published a disclosure, for which year, and what kind it is, from its own words."""

from __future__ import annotations

import re
from collections import Counter

from corpus.model import Metadata
from corpus.segment import ORG_LINE, UNIT_LINE
from corpus.source import SourceLine
from corpus.vocab import normalize

YEAR = re.compile(r"(20\d{2})\s*年")
REGION = re.compile(r"^(?:中共)?(.+?(?:省|自治区|市|自治州|地区|盟))?(.+?(?:区|县|旗|市))?")
NAME_IN_TITLE = re.compile(r"(?:第一部分)?\s*(?:20\d{2}\s*年度?)?\s*(.{2,40}?)(?:部门|单位)?概况")
# a short line that names the document's own year: a title ("2019 年度部门预算表", "2024年部门财务收支预算总表")
TITLE_YEAR = re.compile(r"(20\d{2})\s*年度?[\u4e00-\u9fff“”\s]{0,20}?(?:预算|决算)")
NOT_OWN_YEAR = ("执行", "上年", "结转", "比", "较")
# "重庆市交通委员会2018年部门预算情况说明", "上海市普陀区2026年区级部门预算"
TITLE = re.compile(r"^(?:第[一二三四五六七八九十]+部分)?\s*(.{2,40}?)\s*(20\d{2})\s*年度?\s*(?:区级|市级|省级)?\s*(?:部门|单位)?(?:预算|决算)")
TEMPLATE_MARKERS = {
    "shanghai": ("财务收支预算总表", "收入支出决算总表", "三公经费和机关运行经费"),
    "xinjiang": ("部门收支总体情况表",),
    "jiangsu": ("三公经费、会议费、培训费",),
}


def _org_names(lines: list[SourceLine]) -> list[str]:
    names = []
    for line in lines:
        text = line.text.strip()
        if ORG_LINE.match(text):
            name = re.split(r"[:：]", text, maxsplit=1)[1]
            name = UNIT_LINE.split(name)[0]
            name = re.sub(r"单\s*位\s*[:：].*$", "", name).strip()
            if 2 <= len(name) <= 40 and not re.search(r"\d{4}", name):
                names.append(re.sub(r"\s+", "", name))
    return names


def region_of(name: str) -> str | None:
    match = REGION.match(name)
    if not match or not (match.group(1) or match.group(2)):
        return None
    region = (match.group(1) or "") + (match.group(2) or "")
    return region if len(region) < len(name) else (match.group(1) or None)


def extract_metadata(lines: list[SourceLine], table_titles: list[str]) -> Metadata:
    head = [line for line in lines[:80] if line.text.strip()]
    head_text = normalize(" ".join(line.text for line in head[:40]))
    title = next((match for line in head[:10] if (match := TITLE.match(line.text.strip()))), None)
    names = _org_names(lines)
    department = Counter(names).most_common(1)[0][0] if names else None
    if department is None and title is not None:
        department = normalize(title.group(1))
    if department is None:
        for line in head:
            match = NAME_IN_TITLE.search(line.text)
            if match:
                department = normalize(match.group(1))
                break
    years = [int(year) for year in YEAR.findall(" ".join(line.text for line in head[:40]))]
    # some extractions pull the year out of its phrase onto a line of its own ("年度部门决算" / "2024")
    years = ([int(title.group(2))] if title else years) or years or [int(line.text.strip()) for line in head[:20] if re.fullmatch(r"\s*20\d{2}\s*", line.text)]
    # the titles all through the document outvote the first page: one title with a wrong year (the 目录's
    # copy of a part title) must not make every other title wrong
    in_titles = [int(match.group(1)) for line in lines if len(line.text.strip()) <= 40
                 and not any(word in line.text for word in NOT_OWN_YEAR)
                 for match in TITLE_YEAR.finditer(line.text)]
    counted = Counter(in_titles).most_common(2)
    if counted and (len(counted) == 1 or counted[0][1] > counted[1][1]) and counted[0][1] >= 3:
        years = [counted[0][0]]
    year = Counter(years).most_common(1)[0][0] if years else None
    joined_titles = normalize(" ".join(table_titles))
    if "决算" in joined_titles or "决算" in head_text[:400]:
        kind = "决算"
    elif "预算" in joined_titles or "预算" in head_text:
        kind = "预算"
    else:
        kind = None
    scope = "单位" if re.search(r"单位(预算|决算)|预算单位[:：]|（本级）|\(本级\)", head_text[:400]) else "部门"
    template = next((name for name, markers in TEMPLATE_MARKERS.items()
                     if any(normalize(marker) in joined_titles for marker in markers)), None)
    return Metadata(
        department=department,
        year=year,
        kind=kind,
        scope=scope,
        region=region_of(department) if department else None,
        template=template,
    )
