"""The question reader's words: cue words (data/question.toml) and English phrases (data/english.toml)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from corpus.datafile import load_toml

DATA = Path(__file__).parent / "data"


def question_words() -> dict:
    return load_toml(DATA / "question.toml")


@cache
def english() -> tuple[re.Pattern, dict[str, str], frozenset[str]]:
    data = load_toml(DATA / "english.toml")
    phrases = {key.lower(): value for key, value in data["phrases"].items()}
    pattern = re.compile(r"(?<![a-z])(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                         + r")(?:s|es)?(?![a-z])")
    return pattern, phrases, frozenset(data["stopwords"])
