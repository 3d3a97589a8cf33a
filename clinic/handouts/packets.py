"""The session packet is made in the background (Huey, `clinic/jobs.py`): choosing what goes in it is a
form; the PDF (handouts, worksheets, paper questionnaires) renders off the request path, and the
therapist watches its progress and downloads it from the job page, which keeps it for them only."""

from clinic import jobs
from clinic.audit.services import record
from clinic.auth.models import User
from clinic.couples.models import Couple
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.documents import handout_document
from clinic.handouts.printing import file_name, packet_pdf
from clinic.pdf import PdfError

KIND = "handouts.packet"


def start_packet(couple: Couple, partner, owner: User, choices: dict) -> jobs.Job:
    """Queue `partner`'s packet for `owner` (commits: the job row must be visible to the consumer).

    `choices` are the packet form's plain values: handouts (choice values), given, worksheets, forms,
    couple_part (booleans) and paper."""
    return jobs.start(
        KIND,
        owner.id,
        file_name("session-packet", couple=couple, partner=partner),
        couple_id=couple.id,
        partner_id=partner.id,
        handouts=list(choices.get("handouts") or []),
        given=bool(choices.get("given")),
        worksheets=bool(choices.get("worksheets")),
        forms=bool(choices.get("forms")),
        couple_part=bool(choices.get("couple_part")),
        paper=choices.get("paper") or None,
    )


@jobs.job(KIND)
def packet_job(
    job: jobs.Job,
    *,
    couple_id: int,
    partner_id: int,
    handouts: list[str],
    given: bool,
    worksheets: bool,
    forms: bool,
    couple_part: bool,
    paper: str | None,
) -> None:
    """Render the packet for the job's owner, report progress, keep the file, audit the print."""
    owner = db.session.get(User, job.owner_id)
    couple = db.session.get(Couple, couple_id)
    if owner is None or couple is None or couple.therapist_id != owner.id:
        raise LookupError("the couple is not the job owner's")
    partner = next((p for p in couple.partners if p.id == partner_id), None)
    if partner is None:
        raise LookupError("the partner is not the couple's")
    job.report(10, "Gathering the handouts")
    try:
        docs = [handout_document(services.resolve_source(owner, s), couple=couple, partner=partner) for s in handouts]
    except DomainError:
        # A handout archived between the form and the job: say so, make nothing.
        raise jobs.JobFailed("A chosen handout is no longer in your library. Choose again and retry.") from None
    job.report(30, "Making the PDF")
    try:
        pdf, _counts = packet_pdf(
            couple,
            partner,
            user=owner,
            docs=docs,
            include_given=given,
            include_worksheets=worksheets,
            include_forms=forms,
            include_couple_part=couple_part,
            paper=paper,
        )
    except PdfError as error:
        raise jobs.JobFailed(error.message) from None
    job.file_path().write_bytes(pdf.data)
    record("session_packet.printed", record_type="couple", record_id=couple.id, couple_id=couple.id, actor=owner)
