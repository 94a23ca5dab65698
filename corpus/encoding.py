"""Decode text files whatever encoding a department saved them in (UTF-8, UTF-8 with BOM, GBK/GB18030)."""

from __future__ import annotations

from collections import Counter

from charset_normalizer import from_bytes

from corpus.errors import InputError

# Share of characters that must be printable for the bytes to count as text.
_PRINTABLE_SHARE = 0.95
# NUL bytes beyond this share of the file mean binary data, not text with stray NULs.
_MAX_NUL_SHARE = 0.25
# Lines that fit no encoding, beyond this share, mean the file is not text in any supported encoding.
_MAX_BAD_LINE_SHARE = 0.02
# Chinese characters outside GBK beyond this share mean a garbled text layer.
_MAX_OUTSIDE_GBK = 0.2


def decode_text(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # stray NUL bytes in otherwise clean text are dropped; binary data stays refused
        stripped = data.replace(b"\x00", b"")
        if len(stripped) < (1 - _MAX_NUL_SHARE) * len(data) or _strict(stripped) is None:
            raise InputError(path, "binary data, not text (NUL bytes in the first 4 KiB)")
        data = stripped
    text = _decode(data)
    if text is None:
        raise InputError(path, "not text in any supported encoding (UTF-8, UTF-16, GB18030)")
    text = text.replace("\x00", "")
    printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t\f")
    if printable < _PRINTABLE_SHARE * len(text):
        raise InputError(path, "binary data, not text (too many control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def garbled(text: str) -> bool:
    """Text whose Chinese characters are mostly outside GBK: a font without a usable ToUnicode map gives
    code points scattered over the whole of Unicode, real disclosures almost never leave GBK."""
    chinese = Counter(char for char in text if ord(char) > 0x2E80 and not char.isspace())
    total = sum(chinese.values())
    if total < 50:
        return False
    outside = sum(count for char, count in chinese.items() if not _in_gbk(char))  # each distinct char once
    return outside > _MAX_OUTSIDE_GBK * total


def _in_gbk(char: str) -> bool:
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _strict(data: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start >= len(data) - 3 and error.reason == "unexpected end of data":
                return data[:error.start].decode("utf-8")  # a file cut inside its last character
    return None


def _by_line(data: bytes) -> str | None:
    """Lines saved in different encodings (files pasted together): each line in the first that fits."""
    lines, failed = [], 0
    for raw in data.split(b"\n"):
        line = _strict(raw)
        if line is None:
            failed += 1
            line = raw.decode("utf-8", errors="replace")
        lines.append(line)
    return "\n".join(lines) if failed <= _MAX_BAD_LINE_SHARE * len(lines) else None


def _decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    text = _strict(data)
    if text is None:
        text = _by_line(data)
    if text is None:
        best = from_bytes(data).best()  # last resort: a damaged file in some other encoding
        text = str(best) if best is not None else None
    return text
