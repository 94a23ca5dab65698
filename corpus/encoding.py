"""Decode text files whatever encoding a department saved them in (UTF-8, UTF-8 with BOM, GBK/GB18030)."""

from __future__ import annotations

from charset_normalizer import from_bytes

from corpus.errors import InputError

# Share of characters that must be printable for the bytes to count as text.
_PRINTABLE_SHARE = 0.95


def decode_text(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "binary data, not text (NUL bytes in the first 4 KiB)")
    text = _decode(data)
    if text is None:
        raise InputError(path, "not text in any supported encoding (UTF-8, UTF-16, GB18030)")
    text = text.replace("\x00", "")
    printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t\f")
    if printable < _PRINTABLE_SHARE * len(text):
        raise InputError(path, "binary data, not text (too many control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()  # last resort: a damaged file in some other encoding
    return str(best) if best is not None else None
