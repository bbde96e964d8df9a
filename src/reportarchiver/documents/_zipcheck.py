"""ZIP containers (DOCX, XLSX) checked and repacked before a library opens them.

python-docx and openpyxl read an entry in one call, and ``zipfile`` then inflates it whole
before it cuts the result to the declared size: a small entry that claims 1 KB and inflates to
2 GB (a zip bomb) would take the memory first.  So every entry is inflated here in 64 KB steps
under a byte budget, its CRC checked, and the whole written again *stored* (uncompressed):
the library then reads exactly the bytes that were counted.  Entries a text reader never needs
(images, fonts, embedded objects) are replaced by empty ones, which saves the copying.
"""

from __future__ import annotations

import io
import zipfile

from ._model import LimitExceeded

CHUNK = 64 * 1024
MAX_ENTRIES = 10_000  # a real DOCX has a few dozen parts, a big XLSX a few hundred
_SKIPPED_FOLDERS = ("media/", "embeddings/", "fonts/", "printerSettings/", "activeX/")


class ZipProblem(Exception):
    """The container cannot be read safely: damaged, encrypted, or over a limit."""


def repack(body: bytes, max_bytes: int) -> bytes:
    """Return ``body`` as a stored ZIP whose entries expand to at most ``max_bytes`` in all.

    Raises :class:`ZipProblem` with a one-line reason for a damaged or encrypted archive and
    :class:`LimitExceeded` when the contents are larger than the budget.
    """
    try:
        source = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ZipProblem(f"not a readable ZIP container ({exc})") from None
    with source:
        infos = source.infolist()
        if len(infos) > MAX_ENTRIES:
            raise LimitExceeded(f"{len(infos):,} entries in the container (limit {MAX_ENTRIES:,})")
        out = io.BytesIO()
        budget = max_bytes
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            for info in infos:
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise ZipProblem("encrypted ZIP entries (a password-protected file)")
                if _skipped(info.filename):
                    target.writestr(info.filename, b"")
                    continue
                data = _inflate(source, info, budget)
                budget -= len(data)
                target.writestr(info.filename, data)
    return out.getvalue()


def _skipped(name: str) -> bool:
    return any(f"/{folder}" in f"/{name}" for folder in _SKIPPED_FOLDERS)


def _inflate(source: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    if info.file_size > budget:
        raise LimitExceeded(f"ZIP entry {info.filename!r} expands past the byte limit")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # bzip2 and LZMA inflate a whole read at once, unbounded: OOXML never uses them
        raise ZipProblem(f"ZIP entry {info.filename!r} uses compression {info.compress_type}")
    parts: list[bytes] = []
    size = 0
    try:
        with source.open(info) as entry:
            while chunk := entry.read(CHUNK):  # at most CHUNK bytes inflated per call
                size += len(chunk)
                if size > budget:
                    raise LimitExceeded(f"ZIP entry {info.filename!r} expands past the byte limit")
                parts.append(chunk)
    except LimitExceeded:
        raise
    except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError on a truncated entry
        raise ZipProblem(f"damaged ZIP entry {info.filename!r} ({exc})") from None
    return b"".join(parts)
