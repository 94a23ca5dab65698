"""Numbers as printed in disclosures: thousands separators, full-width digits, percentages, Decimal."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

# An amount or rate as printed: "1,747.75", "9,790.11", "-3.5", "0", ".5" is not a form seen in the wild.
NUMBER = re.compile(r"(?<![\d.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])-?\d+(?:\.\d+)?(?![\d])")
# More whole digits than this is no budget figure (a trillion 元 has 13): such a token is text, not a number.
MAX_DIGITS = 18
AMOUNT_TOKEN = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


# Full-width digits, ％ and ． as some departments type them: read as ASCII so every pattern sees one form.
_DIGIT_FOLD = str.maketrans("０１２３４５６７８９％．", "0123456789%.")


def fold_digits(text: str) -> str:
    return text.translate(_DIGIT_FOLD)


# Full-width digits, letters and ASCII punctuation to half-width (NFKC); CJK punctuation is kept.
_WIDTH = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF01, 0xFF5F)
          if chr(code) not in "（），：；！？"}
_WIDTH[0x3000] = " "


def normalize_width(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation to half-width; CJK punctuation is kept."""
    return text if text.isascii() else text.translate(_WIDTH)


def parse_amount(token: str) -> Decimal | None:
    """'1,747.75' -> Decimal('1747.75'); anything that is not one number -> None."""
    token = normalize_width(token).strip()
    if not AMOUNT_TOKEN.match(token) or len(token.split(".")[0].replace(",", "").lstrip("-")) > MAX_DIGITS:
        return None
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def is_amount_token(token: str) -> bool:
    """A token parse_amount reads: an account number of 19 digits is text, not a figure."""
    token = normalize_width(token).strip()
    return AMOUNT_TOKEN.match(token) is not None and len(token.split(".")[0].replace(",", "").lstrip("-")) <= MAX_DIGITS


def decimals(printed: str) -> int:
    """How many decimals the printed figure shows: the precision it was rounded to."""
    printed = printed.strip()
    return len(printed.split(".", 1)[1]) if "." in printed else 0


ORDINAL_HEAD = re.compile(r"^([一二三四五六七八九十百]+)[、.．]")


def chinese_ordinal(label: str) -> int | None:
    """The number a label is numbered with ("二十四、抗疫特别国债安排的支出" -> 24), or None."""
    match = ORDINAL_HEAD.match(label.strip())
    return _chinese_number(match.group(1)) if match else None


@cache
def _chinese_number(text: str) -> int | None:
    import cn2an  # imported on first use: it takes a tenth of a second to load

    try:
        return int(cn2an.cn2an(text, "strict"))
    except ValueError:
        return None
