"""Every built-in handout, personalised for a couple, makes a sound, tagged, font-embedded PDF."""

import pytest

from clinic.handouts.documents import handout_document
from clinic.handouts.library import builtin_handouts
from clinic.handouts.printing import handouts_pdf
from tests.handouts import pdftools

BUILTINS = builtin_handouts()
NOTE = "Read this before Thursday and mark one idea to try."


def test_there_are_at_least_eight_builtin_handouts():
    slugs = [h.slug for h in BUILTINS]
    assert len(slugs) >= 8 and len(set(slugs)) == len(slugs)
    assert "supporting-a-partner" in slugs and "safety-and-support" in slugs


@pytest.mark.parametrize("handout", BUILTINS, ids=lambda h: h.slug)
def test_builtin_handout_pdf_quality(app, world, named_couple, handout):
    with app.test_request_context():
        doc = handout_document(handout, couple=named_couple, note=NOTE)
        data = handouts_pdf([doc], user=world.therapist, couple=named_couple).data

    assert pdftools.qpdf_ok(data)
    fonts = pdftools.fonts(data)
    assert fonts and all(f["embedded"] for f in fonts), fonts
    info = pdftools.info(data)
    assert info["Tagged"] == "yes"
    assert info["Title"] == handout.title
    assert 1 <= int(info["Pages"]) <= 2
    text = pdftools.text(data)
    assert handout.title in text
    assert "For Alex Rivera and Jordan Chen" in text  # personalisation
    assert NOTE in text
    assert "Page 1 of" in text and "Harbour Lane Couples Practice" in text
    for phrase in handout.key_phrases:
        assert " ".join(phrase.split()) in text, phrase
    assert "does not replace care from a qualified professional" in text


def test_safety_handout_has_hotline_and_practice_resources(app, world, named_couple):
    with app.test_request_context():
        doc = handout_document(next(h for h in BUILTINS if h.is_crisis), couple=named_couple)
        text = pdftools.text(handouts_pdf([doc], user=world.therapist, couple=named_couple).data)
    assert "1-800-799-SAFE (7233)" in text and "24/7" in text
    assert "Harbour County Crisis Line: 555-0199" in text


def test_a4_and_letter_paper(app, world, named_couple):
    with app.test_request_context():
        doc = handout_document(BUILTINS[0], couple=named_couple)
        a4 = handouts_pdf([doc], user=world.therapist, couple=named_couple, paper="a4").data
        letter = handouts_pdf([doc], user=world.therapist, couple=named_couple, paper="letter").data
    assert "595.276 x 841.89" in pdftools.info(a4)["Page size"]
    assert "612 x 792" in pdftools.info(letter)["Page size"]


def test_markup_like_and_non_latin_names_print_literally(app, world, named_couple):
    from clinic.extensions import db

    named_couple.partner("a").name = "<script>alert(1)</script> & <b>Zoë</b>"
    named_couple.partner("b").name = "Ελένη Κυριακίδου Ёлкина"
    db.session.commit()
    note = 'Note with <img src="x" onerror="alert(1)"> and **stars** and {{ 7*7 }}'
    with app.test_request_context():
        doc = handout_document(BUILTINS[1], couple=named_couple, note=note)
        data = handouts_pdf([doc], user=world.therapist, couple=named_couple).data
    text = pdftools.text(data)
    assert "<script>alert(1)</script> & <b>Zoë</b>" in text
    assert "Ελένη Κυριακίδου Ёлкина" in text
    assert note in text
    assert all(f["embedded"] for f in pdftools.fonts(data))


def test_document_language_is_set_and_paper_follows_the_practice_setting(app, world, named_couple):
    import io

    import pikepdf

    from clinic.extensions import db
    from clinic.settings import edit_practice_settings

    edit_practice_settings().paper_size = "a4"
    db.session.commit()
    with app.test_request_context():
        doc = handout_document(BUILTINS[2], couple=named_couple)
        data = handouts_pdf([doc], user=world.therapist, couple=named_couple).data
    assert "595.276 x 841.89" in pdftools.info(data)["Page size"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
