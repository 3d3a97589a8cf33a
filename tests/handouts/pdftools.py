"""Poppler and qpdf checks on PDF bytes (Debian's poppler-utils and qpdf)."""

import subprocess
import tempfile
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def _with_file(data: bytes, fn):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        return fn(str(path))


def qpdf_ok(data: bytes) -> bool:
    return _with_file(data, lambda p: _run("qpdf", "--check", p).returncode == 0)


def info(data: bytes) -> dict:
    out = _with_file(data, lambda p: _run("pdfinfo", p).stdout)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if k}


def fonts(data: bytes) -> list[dict]:
    """One dict per font: name and whether it is embedded."""
    lines = _with_file(data, lambda p: _run("pdffonts", p).stdout).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni objectID gen: emb is the 5th field from the end
        rows.append({"name": parts[0], "embedded": parts[-5] == "yes"})
    return rows


def text(data: bytes, *, layout: bool = True) -> str:
    """The PDF's text with whitespace collapsed; `layout=False` reads table cells one by one."""
    flags = ("-layout",) if layout else ()
    raw = _with_file(data, lambda p: _run("pdftotext", *flags, p, "-").stdout)
    return " ".join(raw.split())
