"""The demo practice shows real progression: EFT through stage 1 into stage 2, CBCT modules, a draft, an addendum."""

from sqlalchemy import select

from clinic.couples.models import Couple
from clinic.demo import seed_demo
from clinic.extensions import db
from clinic.sessions.course import compute_course
from clinic.sessions.cycle import current_cycle_words
from clinic.sessions.models import NoteAddendum, ProgressNote


def test_demo_sessions_show_progression(app):
    assert seed_demo()
    db.session.commit()
    couples = {c.model: c for c in db.session.scalars(select(Couple))}
    eft = compute_course(couples["efct"])
    assert eft.eft.stage_reached == "2" and eft.eft.partners["b"].status == "reached"  # Jordan, the withdrawer
    assert eft.eft.partners["b"].reached_in.number == 6 and eft.eft.partners["a"].status == "not_started"
    assert len(eft.sessions) == 7 and not eft.sessions[-1].progress_note.is_signed
    cbct = compute_course(couples["cbct"])
    assert len([k for k, _, found in cbct.module_rows() if found]) >= 4
    assert current_cycle_words(couples["efct"])["cycle_name"] == "the storm and the shell"
    assert len(db.session.scalars(select(NoteAddendum)).all()) == 1
    notes = db.session.scalars(select(ProgressNote)).all()
    assert all(n.hash_ok for n in notes)
    assert sum(not n.is_signed for n in notes) == 2
