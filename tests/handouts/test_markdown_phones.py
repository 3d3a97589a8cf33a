"""Phone numbers in handouts: tap-to-call `tel:` links on the page, plain text on paper (#18)."""

import io

import pikepdf

from clinic.handouts.markdown import to_html
from clinic.phones import phone_links, plain_for_print


def test_numbers_in_handout_text_become_tel_links_with_the_digits_to_dial():
    html = str(to_html("Call **1-800-799-SAFE (7233)** or the clinic on +1 (555) 014-2299, any time."))
    assert '<a href="tel:18007997233" class="tel" rel="noopener noreferrer">1-800-799-SAFE (7233)</a>' in html
    assert '<a href="tel:+15550142299" class="tel" rel="noopener noreferrer">+1 (555) 014-2299</a>' in html
    assert html.count("tel:") == 2


def test_short_numbers_dates_years_and_code_are_left_alone():
    html = str(
        to_html("Text START to 88788. Since 2019-2024, on 2026-12-01, 10.30-11.45.\n\n`555-123-4567` and 20 minutes")
    )
    assert "tel:" not in html
    assert "<code>555-123-4567</code>" in html


def test_a_number_inside_a_link_is_not_linked_twice():
    html = str(to_html("[Our page](https://example.org/5551234567) and [call us](tel:+15551234567)"))
    assert 'href="https://example.org/5551234567"' in html
    assert '<a href="tel:+15551234567" rel="noopener noreferrer">call us</a>' in html
    assert html.count("<a ") == 2


def test_only_diallable_tel_links_survive():
    html = str(to_html("[x](tel:javascript:alert(1)) [y](tel:+1-555) [z](tel:+15551234)"))
    assert 'href="tel:javascript' not in html and 'href="tel:+1-555"' not in html
    assert '<a href="tel:+15551234" rel="noopener noreferrer">z</a>' in html
    assert html.count("href=") == 1


def test_plain_for_print_turns_links_back_into_text():
    html = str(phone_links("Harbour County Crisis Line: 555-0199")) + '<a href="https://example.org">site</a>'
    printed = plain_for_print(html)
    assert (
        printed == 'Harbour County Crisis Line: <span class="tel">555-0199</span><a href="https://example.org">site</a>'
    )


def _uris(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]


def test_safety_handout_page_links_numbers_and_its_pdf_prints_them_plainly(app, world, named_couple, login):
    client = app.test_client()
    login(client, world.therapist)
    page = client.get("/handouts/builtin/safety-and-support").get_data(as_text=True)
    body = page.split('class="handout-body"', 1)[1]
    assert '<a href="tel:18007997233" class="tel" rel="noopener noreferrer">1-800-799-SAFE (7233)</a>' in body
    assert 'Harbour County Crisis Line: <a href="tel:5550199" class="tel">555-0199</a>' in page

    pdf = client.get("/handouts/builtin/safety-and-support/pdf")
    assert pdf.status_code == 200
    assert not [uri for uri in _uris(pdf.data) if uri.startswith("tel:")]
    from tests.handouts import pdftools

    text = pdftools.text(pdf.data)
    assert "1-800-799-SAFE (7233)" in text and "555-0199" in text
