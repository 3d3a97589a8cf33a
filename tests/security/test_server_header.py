"""No response names the server software's version (issue 19, item 11)."""

import pathlib
import threading
import urllib.request

from werkzeug.serving import make_server

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_development_server_announces_no_version(app):
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/login") as response:  # noqa: S310
            header = response.headers.get("Server", "")
    finally:
        server.shutdown()
        thread.join()
    assert "Werkzeug" not in header and "Python" not in header
    assert not any(ch.isdigit() for ch in header), header


def test_production_config_hides_versions():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server_tokens off;" in nginx
    import gunicorn

    assert gunicorn.SERVER == "gunicorn"  # gunicorn's own header carries no version; nginx's neither
