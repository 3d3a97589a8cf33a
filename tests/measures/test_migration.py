"""Migration 0003 keeps every earlier decision: each becomes the first entry of its screen's history."""

from sqlalchemy import text

from clinic import create_app
from clinic.extensions import db
from tests.factories import build_world


def test_earlier_decisions_move_into_the_history(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.sqlite3",
            "SECRET_KEY": "k" * 40,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        upgrade(revision="0002_features")
        world = build_world()  # users, couples and partners: tables 0003 leaves alone
        db.session.commit()
        ids = {"couple": world.couple.id, "partner": world.couple.partner("a").id, "user": world.therapist.id}
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO safety_screen (id, couple_id, partner_id, sent_by_id, sent_at, answers, "
                    "scoring_version, answered_at, decision, decision_note, decided_at, decided_by_id) "
                    "VALUES (1, :couple, :partner, :user, "
                    "'2026-01-01 00:00:00', '{}', 'wast-v1', '2026-01-02 00:00:00', 'referral', 'Referred.', "
                    "'2026-01-03 00:00:00', :user)"
                ),
                ids,
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT screen_id, decision, note, tier, decided_by_id FROM safety_decision")
            ).all()
            kept = conn.execute(text("SELECT decision, method FROM safety_screen")).one()
            settings = conn.execute(text("SELECT count(*) FROM practice_settings")).scalar()
        downgrade(revision="0002_features")  # and back: the old columns were never dropped
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT decision FROM safety_screen")).scalar() == "referral"
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "referral", "Referred.", "positive", ids["user"])]
    assert tuple(kept) == ("referral", "portal") and settings <= 1
