"""Consent: each partner reads and signs the required documents; a new version asks again; the couple stays in
intake until both have signed (or the therapist goes ahead with a reason, audited); signed copies as PDF."""

import re

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.consent import services
from clinic.consent.models import ConsentOverride, ConsentSignature
from clinic.couples.models import Couple
from clinic.extensions import db
from tests.conftest import login_as
from tests.factories import make_couple

KINDS = ("informed_consent", "confidentiality_no_secrets", "telehealth", "fees")


def _hash(page: str) -> str:
    return re.search(r'name="content_hash" type="hidden" value="([0-9a-f]{64})"', page).group(1)


def sign_all(app, user, partner, kinds=KINDS):
    client = app.test_client()
    login_as(client, user)
    for kind in kinds:
        page = client.get(f"/portal/consent/{kind}").get_data(as_text=True)
        response = client.post(
            f"/portal/consent/{kind}", data={"content_hash": _hash(page), "typed_name": partner.name, "confirmed": "y"}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _intake(world):
    couple = world.couple
    couple.status = "intake"
    db.session.commit()
    return couple


def test_partner_reads_and_signs_with_name_time_hash_and_address(app, world):
    partner = world.couple.partner("a")
    client = app.test_client()
    login_as(client, world.partner_a)
    today = client.get("/portal/").get_data(as_text=True)
    assert "Documents to sign" in today and "Informed consent for couple therapy" in today
    page = client.get("/portal/consent/informed_consent").get_data(as_text=True)
    assert "<h2>What couple therapy is</h2>" in page
    response = client.post(
        "/portal/consent/informed_consent",
        data={"content_hash": _hash(page), "typed_name": f"  {partner.name.upper()} ", "confirmed": "y"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 302
    signature = db.session.scalars(select(ConsentSignature)).one()
    assert signature.partner_id == partner.id and signature.client_address == "203.0.113.7"
    assert signature.content_hash == services.current_documents()["informed_consent"].content_hash
    assert signature.signed_at is not None and signature.typed_name == partner.name.upper()
    assert db.session.scalars(select(AuditEvent.action)).all().count("consent_signature.created") == 1


def test_wrong_name_and_no_confirmation_are_both_reported_and_nothing_is_saved(app, world):
    client = app.test_client()
    login_as(client, world.partner_a)
    page = client.get("/portal/consent/fees").get_data(as_text=True)
    response = client.post("/portal/consent/fees", data={"content_hash": _hash(page), "typed_name": "Somebody Else"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Type your full name as your therapist has it" in body and "Tick the box" in body
    assert 'value="Somebody Else"' in body  # typed text kept
    assert db.session.scalars(select(ConsentSignature)).all() == []


def test_text_changed_while_reading_asks_to_read_again(app, world):
    partner = world.couple.partner("a")
    client = app.test_client()
    login_as(client, world.partner_a)
    page = client.get("/portal/consent/fees").get_data(as_text=True)
    services.save_document("fees", "Fees and cancellation", "New fees text.", world.admin)
    db.session.commit()
    response = client.post(
        "/portal/consent/fees", data={"content_hash": _hash(page), "typed_name": partner.name, "confirmed": "y"}
    )
    assert response.status_code == 422 and "updated while you were reading" in response.get_data(as_text=True)
    assert "New fees text." in response.get_data(as_text=True)


def test_a_new_version_asks_again_and_the_therapist_sees_who_signed_what(app, world):
    a, b = world.couple.partner("a"), world.couple.partner("b")
    sign_all(app, world.partner_a, a)
    therapist = app.test_client()
    login_as(therapist, world.therapist)
    page = therapist.get(f"/couples/{world.couple.id}/consent").get_data(as_text=True)
    assert page.count('data-state="signed"') == 4 and page.count('data-state="missing"') == 4
    admin = app.test_client()
    login_as(admin, world.admin)
    edit = admin.get("/admin/consent/telehealth")
    assert edit.status_code == 200
    saved = admin.post(
        "/admin/consent/telehealth", data={"title": "Consent to telehealth sessions", "body": "## New\n\nv2"}
    )
    assert saved.status_code == 302
    page = therapist.get(f"/couples/{world.couple.id}/consent").get_data(as_text=True)
    assert page.count('data-state="outdated"') == 1
    portal = app.test_client()
    login_as(portal, world.partner_a)
    assert "updated, please sign again" in portal.get("/portal/").get_data(as_text=True)
    assert b.id not in {s.partner_id for s in db.session.scalars(select(ConsentSignature))}


def test_markdown_is_sanitised(app, world):
    services.save_document(
        "fees", "Fees", "<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](http://10.0.0.1/x.png)", world.admin
    )
    db.session.commit()
    client = app.test_client()
    login_as(client, world.partner_a)
    page = client.get("/portal/consent/fees").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page and "<img" not in page


def test_couple_stays_in_intake_until_both_have_signed(app, world):
    couple = _intake(world)
    therapist = app.test_client()
    login_as(therapist, world.therapist)
    refused = therapist.post(f"/couples/{couple.id}/status", data={"status": "active", "version": couple.version})
    assert refused.status_code == 303
    db.session.refresh(couple)
    assert couple.status == "intake"
    no_reason = therapist.post(f"/couples/{couple.id}/consent/activate", data={"version": couple.version})
    assert no_reason.status_code == 422 and "say why" in no_reason.get_data(as_text=True)
    sign_all(app, world.partner_a, couple.partner("a"))
    sign_all(app, world.partner_b, couple.partner("b"))
    db.session.refresh(couple)
    done = therapist.post(f"/couples/{couple.id}/consent/activate", data={"version": couple.version})
    assert done.status_code == 302
    db.session.refresh(couple)
    assert couple.status == "active" and db.session.scalars(select(ConsentOverride)).all() == []


def test_therapist_may_override_with_a_reason_which_is_audited(app, world):
    couple = _intake(world)
    therapist = app.test_client()
    login_as(therapist, world.therapist)
    response = therapist.post(
        f"/couples/{couple.id}/consent/activate",
        data={"version": couple.version, "reason": "Signed on paper in the office; scanned copy on file."},
    )
    assert response.status_code == 302
    db.session.refresh(couple)
    assert couple.status == "active"
    assert db.session.scalars(select(ConsentOverride)).one().therapist_id == world.therapist.id
    assert "consent.override" in db.session.scalars(select(AuditEvent.action)).all()


def test_new_couple_cannot_start_active(app, world):
    client = app.test_client()
    login_as(client, world.therapist)
    from tests.couples.test_couples import couple_form

    response = client.post("/couples/new", data=couple_form(status="active"))
    assert response.status_code == 422 and "Both partners must sign" in response.get_data(as_text=True)
    assert db.session.scalars(select(Couple).where(Couple.display_name == "Moreau & Adeyemi")).first() is None


def test_signed_copy_pdf_for_partner_and_therapist_but_not_the_other_partner(app, world):
    a = world.couple.partner("a")
    partner_client = sign_all(app, world.partner_a, a, kinds=("fees",))
    signature = db.session.scalars(select(ConsentSignature)).one()
    pdf = partner_client.get(f"/portal/consent/signatures/{signature.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    therapist = app.test_client()
    login_as(therapist, world.therapist)
    assert therapist.get(f"/couples/{world.couple.id}/consent/signatures/{signature.id}.pdf").status_code == 200
    other = app.test_client()
    login_as(other, world.partner_b)
    assert other.get(f"/portal/consent/signatures/{signature.id}.pdf").status_code == 404
    foreign = make_couple(world.other_therapist)
    db.session.commit()
    assert therapist.get(f"/couples/{foreign.id}/consent/signatures/{signature.id}.pdf").status_code == 404


def test_editing_an_intake_couple_to_active_is_refused_next_to_the_status(app, world):
    couple = _intake(world)
    client = app.test_client()
    login_as(client, world.therapist)
    page = client.get(f"/couples/{couple.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {
        "display_name": "Owner Couple",
        "model": "efct",
        "status": "active",
        "started_on": "2026-01-05",
        "confidentiality_policy": "no_secrets",
        "version": version,
        **{
            f"partner_{p.position}-{k}": getattr(p, k)
            for p in couple.partners
            for k in ("name", "pronouns", "email", "attachment_style", "cycle_position")
        },
    }
    response = client.post(f"/couples/{couple.id}/edit", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="status-error"[^>]*>[^<]*Both partners must sign', body)
    db.session.refresh(couple)
    assert couple.status == "intake"
