"""Links come from EXTERNAL_URL, never the Host header; other Host names are refused (#19 item 5)."""

import pytest

from clinic import create_app
from tests.factories import make_couple


def test_an_invitation_link_ignores_a_forged_host_header(make_app, world, login):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    client = make_app(SERVER_NAME=None, PROXY_FIX_HOPS=1).test_client()
    login(client, world.therapist)
    session_cookie = client.get_cookie("clinic_session").value
    client.set_cookie("clinic_session", session_cookie, domain="evil.example")
    page = client.post(
        f"/couples/{couple.id}/partners/{partner.id}/invite",
        base_url="http://evil.example",
        data={"delivery": "show"},
        headers={"X-Forwarded-Host": "evil.example"},
    ).text
    assert "evil.example" not in page
    assert 'value="http://clinic.test/invite/' in page


def test_links_keep_the_external_url_path_prefix(make_app):
    app = make_app(EXTERNAL_URL="https://care.example.org/clinic")
    with app.app_context():
        from clinic.couples.invitations import link_for

        assert link_for("abc") == "https://care.example.org/clinic/invite/abc"


def test_trusted_hosts_refuse_other_host_names_with_400(make_app):
    app = make_app(TRUSTED_HOSTS=["clinic.test"])
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "clinic.test"}).status_code == 200


def test_production_trusts_only_the_external_url_host_and_requires_it(monkeypatch):
    monkeypatch.delenv("CLINIC_EXTERNAL_URL", raising=False)
    base = {"ENV_NAME": "production", "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError, match="CLINIC_EXTERNAL_URL"):
        create_app(base)
    app = create_app({**base, "EXTERNAL_URL": "https://clinic.example.org"})
    assert app.config["TRUSTED_HOSTS"] == ["clinic.example.org"]
    assert app.test_client().get("/healthz", headers={"Host": "evil.example"}).status_code == 400
