"""PDFs a person would trust (#18): every script prints, long words wrap, names say what a file is,
worksheets match their assignment, records say they are confidential."""

import io
import re

import pikepdf
import pytest

from clinic.extensions import db
from clinic.handouts.documents import handout_document
from clinic.handouts.library import builtin_handouts
from clinic.handouts.printing import handouts_pdf, worksheets_pdf
from clinic.homework.worksheets import assignment_worksheets, normalise_worksheet
from clinic.pdf import pdf_filename
from tests.handouts import pdftools
from tests.homework.support import assign

# A name in every script our users write, plus emoji (all fictional).
SCRIPTS = {
    "Latin": "Zoë Ångström-Núñez",
    "Greek": "Ελένη Κυριακίδου",
    "Cyrillic": "Жанна Ёлкина",
    "Arabic": "ليلى حداد",
    "Hebrew": "נועה כהן",
    "Chinese": "李美玲",
    "Japanese": "山田はなこ",
    "Korean": "김민지",
    "Devanagari": "प्रिया शर्मा",
    "Emoji": "💛🙂🌱",
}
LONG_URL = "https://example.org/" + "unbrokenpathsegment" * 12


def _missing(data: bytes, text: str) -> list[str]:
    drawn = pdftools.drawn_characters(data)
    return [c for c in text if not c.isspace() and c not in drawn]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_handout_prints_every_script_with_embedded_subset_glyphs(app, world, named_couple, script):
    name = SCRIPTS[script]
    named_couple.partner("a").name = name
    db.session.commit()
    note = f"{name}: read this before Thursday. {LONG_URL}"
    with app.test_request_context():
        doc = handout_document(builtin_handouts()[0], couple=named_couple, note=note)
        data = handouts_pdf([doc], user=world.therapist, couple=named_couple).data
    assert _missing(data, name) == [], f"{script} drawn without a real glyph"
    drawn = pdftools.drawn_characters(data)
    assert not any("Emoji" in font for font in drawn["2"]), "digits must not come from the emoji font"
    fonts = pdftools.fonts(data)
    assert fonts and all(f["embedded"] for f in fonts)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert all(re.match(r"^/[A-Z]{6}\+", n) for n in names), names  # subsets, never whole fonts


def test_the_glyph_check_sees_a_character_no_font_has(app, world, named_couple):
    """The checker itself: a private-use character has no glyph anywhere, so it must be reported."""
    with app.test_request_context():
        doc = handout_document(builtin_handouts()[0], couple=named_couple, note="Box: \ue000 Жанна")
        data = handouts_pdf([doc], user=world.therapist, couple=named_couple).data
    assert _missing(data, "\ue000Жанна") == ["\ue000"]


def test_a_long_word_or_url_wraps_inside_the_page(app, world, named_couple):
    with app.test_request_context():
        doc = handout_document(builtin_handouts()[0], couple=named_couple, note=LONG_URL)
        data = handouts_pdf([doc], user=world.therapist, couple=named_couple).data
    text = pdftools.text(data, layout=False).replace(" ", "")
    assert LONG_URL.replace("https://", "").replace(" ", "")[:60] in text
    _assert_nothing_past_the_right_margin(data)


def _assert_nothing_past_the_right_margin(data: bytes) -> None:
    """Every word's box ends inside the page (pdftotext -bbox)."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', out)]
    assert right_edges and max(right_edges) <= page_width - 30, (max(right_edges), page_width)


def test_file_names_say_whose_what_and_when_in_ascii():
    from datetime import date

    on = date(2026, 12, 1)
    assert pdf_filename("Rivera & Chen", "handout", "understanding fears", on=on) == (
        "Rivera-Chen-handout-understanding-fears-2026-12-01.pdf"
    )
    named = pdf_filename("Zoë Núñez", "worksheet", "Soft start-up", on=on)
    assert named == "Zoe-Nunez-worksheet-Soft-start-up-2026-12-01.pdf"
    assert pdf_filename("李美玲", "handout", on=on) == "handout-2026-12-01.pdf"
    assert pdf_filename("", "") == "document.pdf"


def test_a_downloaded_handout_is_named_for_the_couple_and_the_handout(client, world, named_couple, login):
    from clinic.handouts.services import give_handout

    named_couple.display_name = "Rivera-Chen"
    handout = builtin_handouts()[0]
    given = give_handout(named_couple, handout, "", world.therapist)
    db.session.commit()
    login(client, world.therapist)
    response = client.get(f"/couples/{named_couple.id}/handouts/{given.id}/pdf")
    assert response.status_code == 200
    slug = re.sub(r"[^a-z0-9]+", "-", handout.title.lower()).strip("-")
    disposition = response.headers["Content-Disposition"]
    assert re.search(rf'filename="?Rivera-Chen-handout-{slug}-\d{{4}}-\d{{2}}-\d{{2}}\.pdf', disposition), disposition


def test_a_together_worksheet_says_both_and_a_twice_weekly_one_has_two_rows(app, world, named_couple):
    assignment = assign(world, "speaker-listener", who="together", kind="weekly", per_week=2, couple=named_couple)
    db.session.commit()
    sheets = assignment_worksheets(assignment, named_couple)
    assert len(sheets) == 1
    assert "Who: Both, together" in sheets[0]["meta"] and "2 times a week" in sheets[0]["meta"]
    assert sheets[0]["week"]["rows"] == ["1st time", "2nd time"]
    with app.test_request_context():
        data = worksheets_pdf(sheets, user=world.therapist, couple=named_couple).data
    text = pdftools.text(data)
    assert "Both, together" in text and "Each partner" not in text
    assert "2nd time" in text and "3rd time" not in text and "Monday" not in text


def test_a_daily_grid_never_leaves_a_lone_row_on_the_next_page():
    base = {"title": "T", "steps": ["x"] * 30, "completion": "log", "fields": [{"label": "What happened"}]}
    sheet = normalise_worksheet(base, frequency_kind="daily")
    assert sheet["week"]["rows"][-1] == "Sunday" and sheet["week"]["first"] == "Day"


def test_the_week_grid_stays_on_one_page(app, world, named_couple):
    base = {
        "title": "Long",
        "steps": ["A long step to push the grid down the page. " * 3] * 9,
        "completion": "log",
        "fields": [{"label": "What happened"}, {"label": "What I felt"}],
    }
    with app.test_request_context():
        data = worksheets_pdf([normalise_worksheet(base, frequency_kind="daily")], user=world.therapist).data
    pages = [pdftools.text(p) for p in _pages(data)]
    holding = [i for i, t in enumerate(pages) if "Monday" in t or "Sunday" in t]
    assert len(set(holding)) == 1, "the grid is split across pages"


def _pages(data: bytes) -> list[bytes]:
    out = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            single = pikepdf.new()
            single.pages.append(page)
            buffer = io.BytesIO()
            single.save(buffer)
            out.append(buffer.getvalue())
    return out


def test_the_record_export_is_confidential_fits_the_page_and_has_no_empty_chart(app, world, named_couple):
    from clinic.records.services import couple_record, record_pdf

    named_couple.presenting_concerns = "Long word: " + "unbrokenword" * 20
    named_couple.partner("b").name = "李美玲"
    db.session.commit()
    with app.test_request_context():
        data = record_pdf(
            named_couple,
            world.therapist,
            couple_record(named_couple, exported_by=world.therapist, include_process_notes=False),
        )
    text = pdftools.text(data)
    assert "Confidential clinical record" in text and "For Alex Rivera" not in text
    assert "No CSI-4 answers yet" not in text  # no empty chart taking half a page
    assert _missing(data, "李美玲") == []
    _assert_nothing_past_the_right_margin(data)
