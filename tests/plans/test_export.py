"""The record export includes every treatment plan version and every consent signature and override."""

import json
import subprocess

from clinic.consent import services as consent
from clinic.extensions import db
from tests.plans.helpers import signed_plan
from tests.records.client import export


def _sign_fees(world):
    partner = world.couple.partner("a")
    document = consent.current_documents()["fees"]
    consent.sign(partner, partner.user, "fees", document.content_hash, partner.name, True)
    db.session.commit()


def test_json_export_holds_plan_versions_and_consent(client, world, login):
    signed_plan(world)
    _sign_fees(world)
    login(client, world.therapist)
    data = json.loads(export(client, world.couple.id, format="json").data)
    (plan,) = data["treatment_plans"]
    assert plan["version"] == 1 and plan["diagnosis"].startswith("Z63.0")
    assert plan["goals"][0]["objectives"][0]["measure"].startswith("CSI-4")
    assert plan["formulation"].startswith("Fictional formulation")
    (signature,) = data["consent"]["signatures"]
    assert signature["document"] == "Fees and cancellation" and len(signature["version_hash"]) == 64


def test_pdf_export_shows_plan_and_consent(client, world, login, tmp_path):
    signed_plan(world)
    _sign_fees(world)
    login(client, world.therapist)
    response = export(client, world.couple.id, format="pdf")
    path = tmp_path / "record.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Treatment plans" in text and "Feel close again and argue less" in text
    assert "Consent" in text and "Fees and cancellation" in text
