"""The question reader's words: cue words (data/question.toml) and English phrases (data/english.toml)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def question_words() -> dict:
    with (DATA / "question.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def english() -> tuple[re.Pattern, dict[str, str], frozenset[str]]:
    with (DATA / "english.toml").open("rb") as handle:
        data = tomllib.load(handle)
    phrases = {key.lower(): value for key, value in data["phrases"].items()}
    pattern = re.compile(r"(?<![a-z])(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                         + r")(?:s|es)?(?![a-z])")
    return pattern, phrases, frozenset(data["stopwords"])
