"""The web app's caches stay bounded: uploads (gradio's upload cache and DATA/uploads) and the reports
written for download expire after a day and never take more than a quota, the oldest going first."""

from __future__ import annotations

import os
import time
from pathlib import Path

QUOTA_BYTES = int(os.environ.get("GOUJI_UPLOAD_QUOTA_MB", "500")) * 2**20
MAX_AGE_SECONDS = float(os.environ.get("GOUJI_UPLOAD_HOURS", "24")) * 3600


def prune(folders: list[Path], quota: int = QUOTA_BYTES, max_age: float = MAX_AGE_SECONDS,
          keep: set[Path] = frozenset()) -> int:
    """Remove expired files, then the oldest until the folders hold at most `quota` bytes together; files in
    `keep` (the one being checked) stay. Returns how many files went."""
    now = time.time()
    files = []
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    if path.is_file() and not path.is_symlink():
                        info = path.stat()
                        files.append((info.st_mtime, info.st_size, path))
                except OSError:
                    continue  # gone meanwhile
    files.sort()
    total = sum(size for _, size, _ in files)
    removed = 0
    for mtime, size, path in files:
        if path in keep or (now - mtime <= max_age and total <= quota):
            continue
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
    return removed
