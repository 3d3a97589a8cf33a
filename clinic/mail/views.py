from flask import Blueprint, abort, render_template, request

from clinic.db import utcnow
from clinic.extensions import db
from clinic.mail import outbox, services
from clinic.security import admin_required

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@admin_required
def outbox_list():
    page = db.paginate(services.outbox_query(), per_page=50, error_out=False)
    has_files = outbox.is_outbox_backend()
    return render_template("mail/outbox.html", page=page, has_files=has_files, now=utcnow())


@bp.get("/<int:message_id>")
@admin_required
def outbox_message(message_id: int):
    row = db.get_or_404(services.MailMessage, message_id)
    raw = outbox.read_message(row.outbox_file) if outbox.is_outbox_backend() else None
    if request.args.get("download") == "1":
        if raw is None:
            abort(404)
        disposition = f"attachment; filename={row.outbox_file}"
        return raw, 200, {"Content-Type": "message/rfc822", "Content-Disposition": disposition}
    return render_template("mail/outbox_message.html", row=row, text=outbox.text_part(raw) if raw else None)
