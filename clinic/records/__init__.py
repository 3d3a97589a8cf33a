"""The clinical record: a couple's whole record exported for a records request, made in the background;
releases each partner authorises; a partner's download of their own entries."""

from flask import Flask

from clinic.records import portal, views
from clinic.records.services import waiting_for_partner
from clinic.supervision.trail import PHRASES

# The audit trail in words for what this domain records (supervision shows the trail).
AUDIT_PHRASES = {
    "record.exported": "exported the couple's record",
    "record.exported_with_process_notes": "exported the couple's record with process notes",
    "record_release.requested": "asked the partners to authorise a release of the record",
    "record_release.viewed": "viewed a release request",
    "record_release.read": "read a release request",
    "record_release.authorised": "authorised a release of the record",
    "record_release.declined": "declined a release of the record",
    "record_release.withdrawn": "withdrew a release request",
    "record_release.released": "released the record",
    "own_data.downloaded": "downloaded their own entries and answers",
}


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.add_template_global(waiting_for_partner, "releases_waiting_for")
    for action, phrase in AUDIT_PHRASES.items():
        PHRASES.setdefault(action, phrase)
