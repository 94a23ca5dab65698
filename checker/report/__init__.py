"""Report writers: text (linter lines), json, html, pdf (annotated original), xlsx (检查表)."""

import re

# C0 and C1 controls (ANSI and OSC escape sequences start with them; a newline in a file name would split a
# finding's line) and the bidi overrides that reorder what a terminal shows
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Text for a terminal line: every control character written as its escape (\\x1b, \\n), so a document
    or a file name can neither clear, retitle or recolour the terminal nor forge a line of output."""
    return _UNSAFE.sub(lambda match: match.group(0).encode("unicode_escape").decode("ascii"), text)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_UNSAFE = re.compile(r"[][/\\?*:]")


def csv_safe(value):
    """A CSV cell a spreadsheet opens as text: one starting with = + - @ would run as a formula, so it
    gets the apostrophe spreadsheets read as "text follows"."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def sheet_name(text: str) -> str:
    """A worksheet name Excel accepts: none of / \\ ? * [ ] :, at most 31 characters, never empty."""
    return (SHEET_NAME_UNSAFE.sub("_", text).strip("'") or "sheet")[:31]
