"""Access declarations for every route of the records domain."""

from datetime import timedelta

from tests.access.matrix import CLIENTS, PARTNERS, THERAPIST, RouteSpec


def _couple(w):
    return f"/couples/{w.couple.id}"


def _job(w):
    return w.extra["export_job"]


SPECS = [
    RouteSpec("records.export_record", lambda w: _couple(w) + "/export", THERAPIST, scoped=True),
    RouteSpec(
        "records.export_record",
        lambda w: _couple(w) + "/export",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"format": "json"},
    ),
    RouteSpec("records.export_status", lambda w: f"/exports/{_job(w).id}", THERAPIST, scoped=True),
    RouteSpec("records.export_download", lambda w: f"/exports/{_job(w).id}/file", THERAPIST, scoped=True),
    RouteSpec("records.couple_releases", lambda w: _couple(w) + "/releases", THERAPIST, scoped=True),
    RouteSpec("records.request_release", lambda w: _couple(w) + "/releases/new", THERAPIST, scoped=True),
    RouteSpec(
        "records.request_release",
        lambda w: _couple(w) + "/releases/new",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {
            "scope": "joint",
            "recipient": "third_party",
            "recipient_name": "Dr. Example Reader",
            "recipient_organisation": "Example Health",
            "purpose": "Continuity of care",
        },
    ),
    RouteSpec("records.release_detail", lambda w: _release(w, "joint"), THERAPIST, scoped=True),
    RouteSpec(
        "records.withdraw_release", lambda w: _release(w, "joint") + "/withdraw", THERAPIST, method="POST", scoped=True
    ),
    RouteSpec(
        "records.generate_release",
        lambda w: _release(w, "authorised") + "/generate",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"format": "json"},
    ),
    RouteSpec("records_portal.releases", lambda w: "/portal/records/releases", CLIENTS),  # each sees their own
    RouteSpec("records_portal.release", lambda w: _portal(w, "joint"), PARTNERS, scoped=True),
    RouteSpec(
        "records_portal.release",
        lambda w: _portal(w, "joint"),
        PARTNERS,
        method="POST",
        scoped=True,
        data=lambda w: {"typed_name": "Not My Name", "confirmed": "y"},
    ),
    RouteSpec(
        "records_portal.decline",
        lambda w: _portal(w, "joint") + "/decline",
        PARTNERS,
        method="POST",
        scoped=True,
        data=lambda w: {"reason": ""},
    ),
    # A request about partner A's individual sessions is partner A's alone: partner B gets 404.
    RouteSpec(
        "records_portal.release",
        lambda w: _portal(w, "only_a"),
        frozenset({"partner_a"}),
        scoped=True,
        only_partner="a",
    ),
    RouteSpec(
        "records_portal.decline",
        lambda w: _portal(w, "only_a") + "/decline",
        frozenset({"partner_a"}),
        method="POST",
        scoped=True,
        only_partner="a",
    ),
    RouteSpec("records_portal.mine", lambda w: "/portal/records/mine", CLIENTS),
    RouteSpec("records_portal.download_mine", lambda w: "/portal/records/mine/json", CLIENTS, method="POST"),
    RouteSpec("records_portal.download_mine", lambda w: "/portal/records/mine/pdf", CLIENTS, method="POST"),
]


def _release(w, key):
    return f"{_couple(w)}/releases/{w.extra['releases'][key].id}"


def _portal(w, key):
    return f"/portal/records/releases/{w.extra['releases'][key].id}"


def populate(world):
    """A finished export of the world's couple, owned by its therapist."""
    from clinic.db import utcnow
    from clinic.extensions import db
    from clinic.jobs import Job

    job = Job(
        id="f" * 32,
        kind="records.export",
        owner_id=world.therapist.id,
        status="done",
        progress=100,
        download_name="couple-record.json",
        expires_at=utcnow() + timedelta(minutes=30),
    )
    db.session.add(job)
    db.session.flush()
    job.file_path().write_text("{}")
    world.extra["export_job"] = job
    world.extra["releases"] = _releases(world)


def _releases(world):
    """A pending joint release to a third party, one about partner A's individual sessions, and an
    authorised one."""
    from clinic.extensions import db
    from clinic.records.models import RecordRelease, ReleaseDecision

    couple = world.couple
    a, b = couple.partner("a"), couple.partner("b")

    def release(**kw):
        made = RecordRelease(
            couple_id=couple.id,
            requested_by_id=world.therapist.id,
            recipient_kind="third_party",
            recipient_name="Dr. Example Reader",
            recipient_organisation="Example Health",
            purpose="Continuity of care",
            **kw,
        )
        db.session.add(made)
        db.session.flush()
        return made

    joint = release(scope="joint", status="pending")
    only_a = release(scope="individual", scope_partner_id=a.id, status="pending")
    authorised = release(scope="joint", status="authorised")
    for p in (a, b):
        db.session.add(
            ReleaseDecision(
                release_id=authorised.id,
                partner_id=p.id,
                decided_by_id=p.user.id,
                decision="authorised",
                typed_name=p.name,
            )
        )
    db.session.flush()
    return {"joint": joint, "only_a": only_a, "authorised": authorised}
