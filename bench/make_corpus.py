"""A larger corpus made from the real documents: each copy renames the department and moves the year,
so every document stays a real one in structure, figures and wording.

Run: .venv/bin/python bench/make_corpus.py N OUT_DIR
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from corpus import parse_document

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT.parent / "shared" / "corpus-extra"
PREFIXES = ["东湖", "西山", "南江", "北岭", "中原", "青石", "白沙", "红岩", "金川", "银河", "长林", "清水"]


def sources() -> list[Path]:
    found = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
    found += sorted(p for p in EXTRA.glob("*.txt") if ".layout." not in p.name and "NARRATIVE" not in p.name)
    return found


def pdf_documents() -> list[list[Path]]:
    """The corpus-extra PDF documents, each as its file or its narrative + tables pair."""
    stems = sorted({path.name.split(".")[0] for path in EXTRA.glob("*.pdf")})
    return [[p for p in (EXTRA / f"{s}.pdf", EXTRA / f"{s}.narrative.pdf", EXTRA / f"{s}.tables.pdf") if p.exists()]
            for s in stems]


def make(count: int, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    originals = [(path, path.read_text(encoding="utf-8"), parse_document(str(path)).metadata) for path in sources()]
    written = []
    for number in range(count):
        path, text, meta = originals[number % len(originals)]
        round_ = number // len(originals)
        if round_:
            prefix = PREFIXES[round_ % len(PREFIXES)] + str(round_)
            if meta.department:
                text = text.replace(meta.department, prefix + meta.department)
            if meta.year:
                shift = round_ % 3
                text = re.sub(rf"(?<!\d){meta.year}(?!\d)", str(meta.year + shift), text)
                text = re.sub(rf"(?<!\d){meta.year - 1}(?!\d)", str(meta.year - 1 + shift), text)
        target = out / f"{number:05d}_{path.name}"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    made = make(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(made)} documents in {sys.argv[2]}")
