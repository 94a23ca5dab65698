"""The spaCy pipeline for claims: blank Chinese with the jieba segmenter, a domain dictionary, a
component that re-joins printed figures ("9,790.11%") and Matcher patterns for the figure kinds.

spaCy and jieba load once per process (about 1 s), so `gouji parse` never imports this module.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from functools import cache

from corpus.vocab import vocabulary

# jieba cuts these wrongly in budget prose ("预算数为" -> 预算 / 数为); whole words keep figures' subjects clean.
DOMAIN_WORDS = [
    "预算数", "执行数", "决算数", "预算执行数", "年初预算", "上年预算", "当年拨款", "财政拨款", "基本支出", "项目支出",
    "人员经费", "公用经费", "三公经费", "机关运行经费", "公务接待费", "公务用车", "购置费", "运行费", "运行维护费",
    "政府采购", "实有人数", "主要原因", "一般公共预算", "政府性基金", "国有资本经营", "上年结转", "结转结余",
    "编制数",
]
SPLIT_FIGURE = re.compile(r"\d,\d")
NUMBER = r"^-?\d[\d,]*(\.\d+)?$"
PERCENT = r"^-?\d[\d,]*(\.\d+)?[%％]$"
MONEY_UNITS = ["万元", "元", "亿元", "千元"]
COUNT_UNITS = ["人", "名", "辆", "个", "台", "套", "家"]  # not 项: "（01项）" is a 科目 level
HEADCOUNT_WORDS = ["编制数"]
DIRECTIONS = ["增加", "减少", "增长", "下降", "上升", "降低", "持平", "增", "减", "减幅", "增幅"]

PATTERNS: dict[str, list[list[dict]]] = {
    "MONEY": [[{"TEXT": {"REGEX": NUMBER}}, {"TEXT": {"IN": MONEY_UNITS}}]],
    "PERCENT": [[{"TEXT": {"REGEX": PERCENT}}], [{"TEXT": {"REGEX": NUMBER}}, {"TEXT": {"IN": ["%", "％"]}}]],
    "COUNT": [[{"TEXT": {"REGEX": r"^\d+$"}}, {"TEXT": {"IN": COUNT_UNITS}}]],
    # "编制数 17，实有人数 40 人": a head count printed without its unit (the figure is the second token)
    "HEADCOUNT": [[{"TEXT": {"IN": HEADCOUNT_WORDS}}, {"TEXT": {"REGEX": r"^\d+$"}}]],
    "DIRECTION": [[{"TEXT": {"IN": DIRECTIONS}}]],
}


def _merge_figures(nlp):
    """A pipeline component: '9' ',' '790.11%' -> one token, so a printed figure is one token."""
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    matcher.add("SPLIT_FIGURE", [[{"TEXT": {"REGEX": r"^-?\d{1,3}$"}},
                                  {"TEXT": {"IN": [",", "，"]}, "OP": "?"},
                                  {"TEXT": {"REGEX": r"^,?\d{3}([,.]\d+)*[%％]?$"}},
                                  {"TEXT": {"REGEX": r"^,?\d{3}([,.]\d+)*[%％]?$"}, "OP": "*"}]])

    def component(doc):
        if not SPLIT_FIGURE.search(doc.text):
            return doc  # nothing to re-join: the Matcher is the costly part
        spans = [doc[start:end] for _, start, end in matcher(doc)]
        spans = [span for span in spans if "," in span.text and "，" not in span.text]
        from spacy.util import filter_spans

        with doc.retokenize() as retokenizer:
            for span in filter_spans(spans):
                retokenizer.merge(span)
        return doc

    return component


# jieba's dictionary without its rarest words (frequency < 20: 80k of 349k entries stay): it loads in 0.1 s
# instead of 0.6 s, and budget prose never needed the rare ones (same findings on every seed and corpus
# document, measured). Written once where jieba keeps its cache.
COMMON_WORD_FREQUENCY = 20


def _dictionary() -> str:
    import tempfile
    from pathlib import Path

    import jieba

    folder = Path(jieba.dt.tmp_dir or tempfile.gettempdir())  # the web app points it into its data folder
    target = folder / f"gouji-jieba-{jieba.__version__}-{COMMON_WORD_FREQUENCY}.txt"
    if not target.exists():
        source = Path(jieba.__file__).parent / "dict.txt"
        kept = [line for line in source.read_text(encoding="utf-8").splitlines(keepends=True)
                if int(line.split(" ")[1]) >= COMMON_WORD_FREQUENCY]
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text("".join(kept), encoding="utf-8")
        partial.replace(target)  # whole or not at all: another process may be reading it
    return str(target)


def segmenter(words: Iterable[str] = ()):
    """A jieba tokenizer of its own (the global one stays untouched) on the common-word dictionary, with
    `words` added as whole words."""
    import jieba

    jieba.setLogLevel(logging.ERROR)
    found = jieba.Tokenizer(_dictionary())
    found.tmp_dir = jieba.dt.tmp_dir  # its prefix cache beside the dictionary, not in a fixed /tmp
    for word in sorted(set(words)):
        found.add_word(word, freq=200000)
    return found


def blank_chinese(jieba_segmenter):
    """spaCy's blank Chinese pipeline on a jieba tokenizer: built as "char" and switched over, because
    building it as "jieba" would first load jieba's full default dictionary (0.6 s) only to replace it."""
    import spacy

    nlp = spacy.blank("zh")
    nlp.tokenizer.jieba_seg = jieba_segmenter
    nlp.tokenizer.segmenter = "jieba"
    return nlp


@cache
def pipeline():
    from spacy.language import Language

    words = set(DOMAIN_WORDS)
    for concept, aliases in vocabulary().concepts.items():
        words.update(alias for alias in [concept, *aliases] if len(alias) <= 12 and alias.isalnum())
    nlp = blank_chinese(segmenter(words))
    if not Language.has_factory("gouji_merge_figures"):
        Language.factory("gouji_merge_figures")(lambda nlp, name: _merge_figures(nlp))
    nlp.add_pipe("gouji_merge_figures")
    return nlp


@cache
def matcher():
    from spacy.matcher import Matcher

    found = Matcher(pipeline().vocab)
    for label, patterns in PATTERNS.items():
        found.add(label, patterns)
    return found
