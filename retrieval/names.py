"""Department names: one identity per department across its years and spellings, and every form a question
may use for it (full, short, bare, abbreviated), built from its full name with data/aliases.toml."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.datafile import load_toml
from corpus.vocab import normalize

ALIASES = Path(__file__).parent / "data" / "aliases.toml"
# a region name level by level: 上海市普陀区 -> 上海市, 普陀区
REGION_LEVEL = re.compile(r".+?(?:自治区|自治州|自治县|省|市|地区|盟|区|县|旗)")
LEVEL_SUFFIX = re.compile(r"(?:维吾尔自治区|回族自治区|壮族自治区|自治区|回族自治州|自治州|自治县|省|市|地区|盟|区|县|旗)$")


def aliases() -> dict:
    return load_toml(ALIASES)


def department_key(name: str) -> str:
    """The department's identity: its name with the spellings of [rewrites] folded (中国共产党 -> 中共) and
    the opening words people leave out dropped (中共江苏省委办公厅 and 江苏省委办公厅 are one)."""
    key = normalize(name)
    for spelling, canonical in aliases()["rewrites"].items():
        key = key.replace(spelling, canonical)
    for prefix in aliases()["prefixes"]:
        if key.startswith(prefix) and not _is_tail(key[len(prefix):]):
            key = key[len(prefix):]
    return key


def is_template(name: str | None) -> bool:
    """A blank template's placeholder name (上海市XX局), not a department."""
    return bool(name) and re.search(aliases()["placeholder"], name) is not None


def region_shorts(region: str) -> set[str]:
    """Short forms of a region: the data's, then each level alone and without its suffix (北京市海淀区 ->
    海淀区, 海淀, 北京市海淀, …)."""
    data = aliases()["regions"]
    shorts = set(data.get(region, []))
    levels = REGION_LEVEL.findall(region)
    if len("".join(levels)) == len(region) and len(levels) > 1:
        for level in levels[1:]:
            shorts |= {level, *data.get(level, [])}
            if len(bare := LEVEL_SUFFIX.sub("", level)) >= 2:
                shorts.add(bare)
    if len(levels) == 1 and len(bare := LEVEL_SUFFIX.sub("", region)) >= 2:
        shorts.add(bare)
    return shorts


def _regions_of(name: str, region: str | None) -> list[str]:
    """Regions the name starts with, longest first (the metadata's and the data's)."""
    known = set(aliases()["regions"]) | ({region} if region else set())
    return sorted((r for r in known if r and name.startswith(r)), key=len, reverse=True)


def _is_tail(text: str) -> bool:
    return text in aliases()["generic_names"]


def _drop_infixes(form: str) -> set[str]:
    """普陀区人民政府石泉路街道办事处 -> 普陀区石泉路街道办事处 (but 人民政府办公室 keeps its 人民政府)."""
    out = set()
    for infix in aliases()["infixes"]:
        at = form.find(infix)
        if at >= 0 and not _is_tail(rest := form[at + len(infix):]) and len(rest) >= 2:
            out.add(form[:at] + rest)
    return out


def department_forms(full: str, region: str | None = None) -> tuple[set[str], set[str]]:
    """(names that say which department, bare names): the full name, its region shortened or dropped,
    organisation words shortened. A bare name (司法局, 总工会) has no region left in it: it names this
    department only if no other department has it too."""
    data = aliases()
    name = normalize(full)
    stems = {name, department_key(name)}
    for prefix in data["prefixes"]:
        stems |= {stem[len(prefix):] for stem in list(stems)
                  if stem.startswith(prefix) and not _is_tail(stem[len(prefix):])}
    named, bare = set(stems), set()
    for stem in stems:
        regions = _regions_of(stem, region)
        for place in regions:
            rest = stem[len(place):]
            if len(rest) < 2:
                continue
            shorts = region_shorts(place)
            if rest.startswith("委"):  # 江苏省委办公厅: the region is part of the party committee's name
                named |= {short + rest for short in shorts if LEVEL_SUFFIX.search(short)}
                rest = rest[3:] if rest.startswith("委员会") else rest[1:]
            else:
                named |= {short + rest for short in shorts if len(short) >= 2 or len(rest) >= 3}
            if place == regions[0] and not _is_tail(rest):
                bare.add(rest)
    for group in (named, bare):
        for form in list(group):
            group |= _drop_infixes(form)
    for organisation, shorts in data["organisations"].items():
        for group in (named, bare):
            for form in list(group):
                if organisation in form:
                    group |= {form.replace(organisation, short) for short in shorts}
    named = {form for form in named if len(form) >= 3}
    bare = {form for form in bare if len(form) >= 2 and not _is_tail(form)} - named
    return named, bare


def organisation_mention(text: str) -> bool:
    """Whether a word ends like the name of a government body (…局, …委员会, …院): one the corpus may lack."""
    return any(text.endswith(tail) for tail in aliases()["organisation_tails"]) and len(text) >= 2


def abbreviates(short: str, name: str) -> bool:
    """'规划资源局' for 规划和自然资源局, '社工部' for 社会工作部: the short form's characters in order in the name,
    the first and last ones kept."""
    if len(short) < 2 or short[0] != name[0] or short[-1] != name[-1]:
        return False
    position = 0
    for character in short:
        position = name.find(character, position)
        if position < 0:
            return False
        position += 1
    return True
