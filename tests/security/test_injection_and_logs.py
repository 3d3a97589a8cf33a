"""XSS and SQL-injection payloads into every text field of every form: shown literally, never run;
and no clinical text or secret ever reaches the application logs."""

import logging
import re
from collections import Counter

from clinic.extensions import db
from tests.security.crawl import client_for, crawl, discover_post_forms, populate_everything, submit

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg/onload=alert(3)>",
    "<iframe src=javascript:alert(4)>",
    "javascript:alert(5)",
    "{{7*7}}{% raw %}${7*7}",
    '<a href="javascript:alert(6)">x</a>',
    "</textarea><script>alert(7)</script>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "zz');alert(8);//",
]
SQLI = [
    "' OR '1'='1",
    "'; DROP TABLE couple; --",
    "1; SELECT pg_sleep(0); --",
    '" OR ""="',
    "admin'--",
    '\' UNION SELECT password_hash FROM "user" --',
]
PAYLOADS = XSS + SQLI
DANGEROUS = [p for p in PAYLOADS if "<" in p]


def test_payloads_in_every_text_field_are_shown_literally(app, world):
    populate_everything(world)
    forms = discover_post_forms(app, world)
    statuses, errors, posted = Counter(), [], 0
    for actor, form in forms:
        if not form.text_fields:
            continue
        client = client_for(app, world, actor)
        for payload in PAYLOADS:
            data = form.defaults() | dict.fromkeys(form.text_fields, payload)
            response = submit(client, form, data)
            db.session.rollback()
            posted += 1
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                errors.append(f"{actor} {form.action}: {response.status_code} for {payload!r}")
            body = response.get_data().decode("utf-8", "replace")  # a POST may answer with a PDF (print)
            if any(p in body for p in DANGEROUS):
                errors.append(f"{actor} {form.action}: payload echoed unescaped in the response")
    pages = pdfs = 0
    for actor in ("therapist", "partner_a", "partner_b", "admin"):
        result = crawl(client_for(app, world, actor), "/")
        errors += [f"{actor}: {e}" for e in result.errors]
        for path, (_status, ctype, body) in result.pages.items():
            pages += 1
            pdfs += "pdf" in ctype
            if "html" in ctype:
                for payload in DANGEROUS:
                    if payload in body:
                        errors.append(f"{actor} {path}: unescaped {payload!r}")
    text_forms = sum(1 for _, f in forms if f.text_fields)
    print(
        f"\ninjection: {len(PAYLOADS)} payloads ({len(XSS)} XSS, {len(SQLI)} SQL) × {text_forms} forms with text "
        f"fields = {posted} submissions {dict(statuses)}; {pages} pages and {pdfs} PDFs checked afterwards; "
        f"{len(errors)} problems"
    )
    assert posted > 0 and not errors, "\n".join(errors[:30])
    assert db.session.execute(db.text("SELECT count(*) FROM couple")).scalar() >= 2  # no table was dropped


def test_logs_hold_no_clinical_text_or_secrets(app, world, caplog):
    populate_everything(world)
    forms = discover_post_forms(app, world)
    caplog.set_level(logging.DEBUG)
    markers = []
    for n, (actor, form) in enumerate(forms):
        if not form.text_fields:
            continue
        client = client_for(app, world, actor)
        data = form.defaults()
        for field in form.text_fields:
            marker = f"logmark{n:03d}{field[:10]}zz"
            markers.append(marker)
            data[field] = f"Private words {marker}"
        for name in [f.name for f in form.fields if f.kind == "password"]:
            marker = f"pwmark{n:03d}zz"
            markers.append(marker)
            data[name] = f"secret-{marker}"
        submit(client, form, data)
        db.session.rollback()
    anonymous = app.test_client()
    anonymous.post("/login", data={"email": world.therapist.email, "password": "pwmark-login-zz"})
    markers.append("pwmark-login-zz")
    for actor in ("therapist", "partner_a"):
        crawl(client_for(app, world, actor), "/", pdf_text=False)
    records = caplog.records
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in records)
    found = sorted({m for m in markers if m in logged} | set(re.findall(r"(?:logmark|pwmark)\w+zz", logged)))
    print(
        f"\nlogs: {len(markers)} unique markers submitted through {len(forms)} forms; {len(records)} log records "
        f"captured; markers found in logs: {len(found)}"
    )
    assert markers and not found, found[:20]


def test_a_database_error_log_does_not_carry_the_submitted_text(app, caplog):
    """SQLAlchemy puts bound parameters into its error messages; the engine must hide them, or an
    unexpected error would copy a note's text into the log."""
    from sqlalchemy.exc import SQLAlchemyError

    from clinic import errors

    caplog.set_level(logging.DEBUG)
    private = "-".join(["dbmark", "private", "zz"])  # not spelled out: the traceback quotes this source line
    try:
        db.session.execute(db.text("INSERT INTO no_such_table (x) VALUES (:x)"), {"x": private})
    except SQLAlchemyError as error:
        db.session.rollback()
        with app.test_request_context("/couples/1/edit", method="POST"):
            errors._unexpected(error)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for record in caplog.records:
        if record.exc_info:
            logged += "\n" + logging.Formatter().formatException(record.exc_info)
    assert "unhandled error" in logged and private not in logged
