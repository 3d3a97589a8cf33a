"""The audit trail's CSV export and the break-glass view of client names (admin only, each audited)."""

import csv
import io

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.admin.forms import TrailFilterForm
from clinic.audit.services import record, trail_query
from clinic.extensions import db
from clinic.security import admin_required
from clinic.settings import viewer_zone
from clinic.supervision import trail
from clinic.supervision.forms import BreakGlassForm
from clinic.supervision.views import bp

CSV_LIMIT = 50_000
HEADER = ("When", "Who", "Role", "What happened", "Action", "Couple", "Outcome", "Address")


@bp.post("/admin/audit/names")
@admin_required
def show_names():
    form = BreakGlassForm()
    if not form.validate_on_submit():
        return render_template("supervision/break_glass.html", form=form), 422
    trail.grant_names(current_user, form.reason.data)
    db.session.commit()
    flash(
        f"Client names are shown for {trail.NAME_ACCESS_MINUTES} minutes. Your reason is in the audit trail.", "success"
    )
    return redirect(url_for("admin.audit_trail"))


@bp.post("/admin/audit/names/end")
@admin_required
def hide_names():
    trail.end_names(current_user)
    db.session.commit()
    flash("Client names are hidden again.", "success")
    return redirect(url_for("admin.audit_trail"))


@bp.get("/admin/audit/export.csv")
@admin_required
def export_csv():
    form = TrailFilterForm(request.args)
    form.user.choices = form.action.choices = {}
    if not form.validate():
        return redirect(url_for("admin.audit_trail", **request.args))
    events = list(db.session.scalars(trail_query(**form.trail_filters(), zone=viewer_zone()).limit(CSV_LIMIT)))
    record("audit_trail.exported", record_type="audit_event", record_id=len(events))
    current_app.logger.info("audit trail exported: %d rows", len(events))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    zone = viewer_zone()
    for row in trail.describe(events, current_user):
        cells = (
            row.at.astimezone(zone).isoformat(timespec="minutes"),
            row.who,
            row.role,
            row.what,
            row.action,
            row.couple,
            row.outcome,
            row.address,
        )
        writer.writerow([_safe(cell) for cell in cells])
    headers = {"Content-Disposition": 'attachment; filename="audit-trail.csv"'}
    return Response(buffer.getvalue(), mimetype="text/csv", headers=headers)


def _safe(cell: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
