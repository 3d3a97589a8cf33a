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


def drawn_characters(data: bytes) -> dict[str, set[str]]:
    """Each character the PDF draws with a real glyph, mapped to the embedded fonts that draw it.

    Reads every font on every page with pikepdf: its /ToUnicode map says which glyph ids stand for
    which characters, and fontTools opens the embedded font file to check each of those glyph ids is
    really in it, is not .notdef (the empty box) and has ink (outlines; colour-bitmap emoji fonts are
    drawn as images and have none). A character whose glyph fails these checks is left out, so a name
    printed as boxes shows up as missing, which text extraction alone cannot see.
    """
    import io

    import pikepdf

    drawn: dict[str, set[str]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                for char, name in _font_characters(font):
                    drawn.setdefault(char, set()).add(name)
    return drawn


def _font_characters(font):
    import io

    from fontTools.ttLib import TTFont

    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if stream is None or "/ToUnicode" not in font:
        return
    embedded = TTFont(io.BytesIO(stream.read_bytes()))
    name = str(font.BaseFont).partition("+")[2]
    colour = "Emoji" in name
    for gid, text in _to_unicode(font.ToUnicode.read_bytes().decode("latin-1")):
        if gid != 0 and gid < embedded["maxp"].numGlyphs and (colour or _has_ink(embedded, gid)):
            for char in text:
                yield char, name


def _has_ink(font, gid: int) -> bool:
    glyph_name = font.getGlyphOrder()[gid]
    if "glyf" in font:
        return font["glyf"][glyph_name].numberOfContours != 0
    charstring = font["CFF "].cff.topDictIndex[0].CharStrings[glyph_name]
    return charstring.calcBounds(None) is not None


def _to_unicode(cmap: str):
    """(glyph id, text) pairs from a ToUnicode CMap's bfchar and bfrange sections."""
    import re

    def text(hex_digits: str) -> str:
        return bytes.fromhex(hex_digits).decode("utf-16-be", errors="replace") if hex_digits else ""

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for gid, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            yield int(gid, 16), text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(dst, 16)
            for offset in range(int(hi, 16) - int(lo, 16) + 1):
                yield int(lo, 16) + offset, chr(start + offset)
