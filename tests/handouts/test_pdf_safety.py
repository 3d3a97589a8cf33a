"""The renderer fetches nothing it wasn't built with, survives bad input, and never shares cached PDFs."""

import http.server
import threading

import pikepdf
import pytest

from clinic import pdf
from clinic.handouts.documents import handout_document
from clinic.handouts.library import get_builtin
from clinic.handouts.markdown import to_html
from clinic.handouts.printing import handouts_pdf
from clinic.handouts.services import create_handout
from tests.handouts import pdftools


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).hits.append(self.path)
        body = b"body { background: red }" if self.path.endswith(".css") else b"GIF89a"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Counter.hits
    server.shutdown()
    server.server_close()


def _has_images_or_attachments(data: bytes) -> bool:
    import io

    with pikepdf.open(io.BytesIO(data)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                kind = obj.get("/Type"), obj.get("/Subtype")
                if "/EmbeddedFile" in map(str, kind) or "/Image" in map(str, kind) or "/FileSpec" in map(str, kind):
                    return True
        return False


def test_sanitiser_allows_only_safe_markup(counting_server):
    base, _ = counting_server
    html = str(
        to_html(
            f'![x]({base}/md.png) <img src="{base}/raw.png"> [a](javascript:alert(1)) '
            f"[b](/relative) [c](https://example.org) [d](mailto:a@example.org) "
            f'<style>body{{background:url({base}/s.png)}}</style> <iframe src="{base}"></iframe>'
        )
    )
    assert "<img" not in html and "<iframe" not in html and "<style" not in html
    assert 'href="javascript' not in html and 'href="/relative"' not in html
    assert 'href="https://example.org"' in html and 'href="mailto:a@example.org"' in html
    assert "&lt;img" in html  # raw HTML in Markdown is shown as text


def test_handout_with_remote_and_local_references_fetches_nothing(app, world, counting_server):
    base, hits = counting_server
    body = (
        f'# Test\n\n![remote]({base}/image.png)\n\n<img src="{base}/raw.png">\n\n'
        f'<link rel=stylesheet href="{base}/x.css">\n\n![local](file:///etc/passwd)\n\n'
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style>\n\n"
        f"[a link]({base}/linked)"
    )
    handout = create_handout(world.therapist, {"title": "Sneaky", "body": body})
    with app.test_request_context():
        data = handouts_pdf([handout_document(handout)], user=world.therapist).data
    assert hits == []
    assert not _has_images_or_attachments(data)
    assert "root:x:0:0" not in pdftools.text(data)


def test_fetcher_blocks_raw_html_that_skips_the_sanitiser(app, counting_server):
    """Even HTML that never went through nh3 cannot fetch: the URL fetcher itself denies."""
    base, hits = counting_server
    html = (
        f'<!doctype html><html lang="en"><head><title>x</title>'
        f'<link rel="stylesheet" href="{base}/sheet.css">'
        f'<link rel="attachment" href="file:///etc/passwd">'
        f'<style>@import url("{base}/import.css"); body {{ background: url("file:///etc/passwd") }}'
        f' p {{ background: url("{base}/bg.png") }}</style></head>'
        f'<body><p>Hello</p><img src="{base}/img.png"><img src="file:///etc/passwd">'
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        f'<object data="file:///etc/hostname"></object>'
        f'<a rel="attachment" href="file:///etc/passwd">passwd</a></body></html>'
    )
    with app.test_request_context():
        data = pdf._render(html, title="x", lang="en", paper="letter")
    assert data.startswith(b"%PDF")
    assert hits == []
    assert not _has_images_or_attachments(data)
    assert b"root:x:0:0" not in data


def test_fetcher_serves_only_bundled_assets():
    assert pdf.bundled_path(pdf.PRINT_CSS.as_uri()) == pdf.PRINT_CSS
    font = next(p for p in pdf.ALLOWED_FILES if p.suffix == ".ttf")
    assert pdf.bundled_path(font.as_uri()) == font
    for url in (
        "file:///etc/passwd",
        (pdf.STATIC_ROOT / "css" / ".." / ".." / "pdf.py").as_uri(),
        (pdf.STATIC_ROOT / "js" / "app.js").as_uri(),
        "http://127.0.0.1/x.css",
        "data:text/css,p{}",
        pdf.PRINT_CSS.as_uri() + "?x=1",
    ):
        assert pdf.bundled_path(url) is None, url


def test_a_render_that_runs_too_long_gets_a_friendly_error_and_the_worker_carries_on(app, world, monkeypatch):
    doc_source = get_builtin("growing-together")
    with app.test_request_context():
        doc = handout_document(doc_source)
        monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 0.001)
        with pytest.raises(pdf.PdfError) as error:
            handouts_pdf([doc], user=world.therapist)
        assert "couldn't make this PDF" in error.value.message
        monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 30)
        assert handouts_pdf([doc], user=world.therapist).data.startswith(b"%PDF")


def test_a_render_that_needs_too_much_memory_gets_a_friendly_error(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_RENDER_MEMORY_BYTES", 1024 * 1024)
    # A worker's cap is "what it has once warmed up + the budget": 1 MiB more than a tiny render needs.
    with app.test_request_context():
        doc = handout_document(get_builtin("supporting-a-partner"))
        doc["html"] = doc["html"] * 30
        with pytest.raises(pdf.PdfError):
            handouts_pdf([doc], user=world.therapist)
        monkeypatch.undo()  # a normal budget again: a fresh pool renders as before
        again = handouts_pdf([handout_document(get_builtin("growing-together"))], user=world.therapist)
        assert again.data[:4] == b"%PDF"


def test_oversized_input_is_refused_before_rendering(app, world, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_HTML_CHARS", 1000)
    with app.test_request_context():
        with pytest.raises(pdf.PdfError) as error:
            handouts_pdf([handout_document(get_builtin("growing-together"))], user=world.therapist)
    assert "too long" in error.value.message


def test_identical_content_is_cached_per_person_only(app, world):
    """Same handout, same names, two therapists: the second is rendered afresh with its own ETag."""
    from clinic.extensions import db
    from tests.factories import make_couple

    twin = make_couple(world.other_therapist, name="Twin")
    for position in ("a", "b"):
        twin.partner(position).name = world.couple.partner(position).name
    db.session.commit()
    handout = get_builtin("growing-together")
    with app.test_request_context():
        first = handouts_pdf(
            [handout_document(handout, couple=world.couple)], user=world.therapist, couple=world.couple
        )
        again = handouts_pdf(
            [handout_document(handout, couple=world.couple)], user=world.therapist, couple=world.couple
        )
        other = handouts_pdf([handout_document(handout, couple=twin)], user=world.other_therapist, couple=twin)
    assert not first.from_cache and again.from_cache and again.etag == first.etag
    assert not other.from_cache and other.etag != first.etag
