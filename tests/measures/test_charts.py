"""Charts, the caseload provider (latest scores, drop alert, fixed query count), paper forms, export, demo."""

from sqlalchemy import event, select

from clinic.extensions import db
from clinic.measures.caseload import DROP_RULE, csi_drop, provide
from clinic.measures.charts import csi_chart_svg, csi_gaps, csi_rows, ecr_chart_svg, ecr_rows
from clinic.measures.export import couple_scores
from clinic.measures.paper import due_paper_forms
from clinic.registry import caseload_info
from clinic.settings import edit_practice_settings
from tests.factories import make_couple
from tests.measures.helpers import age, answer, request_for


def _csi_course(world, a_values, b_values):
    request_a = request_for(world, "a", schedule="every_n_days", interval_days=14)
    request_b = request_for(world, "b", schedule="every_n_days", interval_days=14)
    for request, totals, user in ((request_a, a_values, world.partner_a), (request_b, b_values, world.partner_b)):
        for i, total in enumerate(totals):
            values = [min(total, 6), 0, 0, 0]
            rest = total - values[0]
            for n in (1, 2, 3):
                values[n] = min(rest, 5)
                rest -= values[n]
            response = answer(request, values, user)
            age(response, 14 * (len(totals) - i) + 1)
    db.session.flush()


def test_csi_chart_has_both_partners_cutoff_band_gap_and_no_style_attributes(app, world):
    _csi_course(world, [9, 11, 14], [12, 15, 16])
    svg = str(csi_chart_svg(world.couple))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "cut-off 13.5" in svg and "notable dissatisfaction" in svg
    assert world.couple.partner("a").name in svg and world.couple.partner("b").name in svg
    assert svg.count("<polyline") == 2 and "Latest gap: 2 points" in svg
    assert "style=" not in svg and "<script" not in svg
    rows = csi_rows(world.couple)
    assert [r["score"] for r in rows if r["partner"] == world.couple.partner("a").name] == [9, 11, 14]
    assert [r["below"] for r in rows][:2] == [True, True]


def test_chart_escapes_names_and_handles_no_data(app, world):
    world.couple.partner("a").name = '<script>alert("x")</script>'
    assert "No CSI-4 answers yet." in csi_chart_svg(world.couple)
    assert "No ECR-RS answers yet." in ecr_chart_svg(world.couple)
    _csi_course(world, [10], [12])
    svg = str(csi_chart_svg(world.couple))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_gap_pairs_answers_within_ten_days(app, world):
    _csi_course(world, [8, 10], [14, 13])
    gaps = csi_gaps(
        [
            type("S", (), {"points": p})()
            for p in (
                [(r["answered_at"], r["score"]) for r in csi_rows(world.couple) if r["partner"].startswith("Ari")],
                [(r["answered_at"], r["score"]) for r in csi_rows(world.couple) if r["partner"].startswith("Bea")],
            )
        ]
    )
    assert [g[3] for g in gaps] == [6, 3]


def test_ecr_chart_has_anxiety_and_avoidance_panels(app, world):
    answer(request_for(world, "a", measure_key="ecr_rs"), [2, 3, 1, 4, 6, 5, 7, 6, 5], world.partner_a)
    answer(request_for(world, "b", measure_key="ecr_rs"), [4] * 9, world.partner_b)
    svg = str(ecr_chart_svg(world.couple))
    assert "Attachment anxiety" in svg and "Attachment avoidance" in svg and svg.count("<polyline") == 4
    assert {(r["anxiety"], r["avoidance"]) for r in ecr_rows(world.couple)} == {(6.0, 5.5), (4.0, 4.0)}


def test_drop_rule():
    assert csi_drop([18, 13]) == (18, 13)
    assert csi_drop([18, 14]) is None
    assert csi_drop([20, 10, 12]) is None  # only the latest two answers count
    assert csi_drop([15]) is None
    assert "5 or more points" in DROP_RULE


def test_caseload_facts_and_drop_alert(client, world, login):
    _csi_course(world, [18, 12], [15, 16])
    info = caseload_info([world.couple])[world.couple.id]
    assert info.facts["Latest scores"] == "CSI-4 A 12 · B 16"
    assert any("CSI-4 fell 6 points" in alert for alert in info.alerts)
    login(client, world.therapist)
    page = client.get(f"/couples/{world.couple.id}/measures").get_data(as_text=True)
    assert "CSI-4 fell 6 points" in page and "5 or more points" in page
    assert "CSI-4 A 12 · B 16" in client.get("/caseload").get_data(as_text=True)


def screen_for_couple(couple, world):
    from clinic.measures import safety
    from tests.factories import PASSWORD
    from tests.measures.helpers import POSITIVE

    sent = safety.send_screen(couple, couple.partner("a"), world.therapist)
    safety.answer_screen(sent, POSITIVE, world.therapist)
    safety.record_decision(
        couple, sent, {"decision": "referral", "attest": True, "password": PASSWORD}, world.therapist
    )


def test_caseload_provider_runs_a_fixed_number_of_queries(app, world):
    couples = [world.couple] + [make_couple(world.therapist) for _ in range(4)]
    _csi_course(world, [18, 12], [15, 16])
    for couple in couples:  # screens and decisions on every couple: still no query per couple
        screen_for_couple(couple, world)
    edit_practice_settings()  # the settings row is read once per request and cached
    db.session.commit()

    def count(batch):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            for c in batch:
                db.session.expire(c)
            model = type(batch[0])
            loaded = list(db.session.scalars(select(model).where(model.id.in_([c.id for c in batch]))))
            statements.clear()
            provide(loaded)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    # CSI answers, screens, their decisions (one select-in), conjoint sessions, the settings row
    assert count(couples[:1]) == count(couples) <= 5


def test_paper_forms_are_plain_data_for_due_requests(app, world):
    request_for(world, "a")
    done = request_for(world, "b")
    answer(done, [1, 1, 1, 1], world.partner_b)
    forms = due_paper_forms(world.couple)
    assert len(forms) == 1
    form = forms[0]
    assert form["partner_name"] == world.couple.partner("a").name and form["title"].startswith("Couples Satisfaction")
    assert form["items"][0]["options"][6] == {"value": 6, "label": "Perfect"}
    assert form["request_id"] and form["instructions"]


def test_export_recomputes_scores_from_raw_answers(app, world):
    answer(request_for(world, "a"), [4, 3, 3, 3], world.partner_a)
    (row,) = couple_scores(world.couple)
    assert row["scores"] == {"total": 13} and row["answers"] == {1: 4, 2: 3, 3: 3, 4: 3}
    assert row["method"] == "portal" and row["scoring_version"] == "csi4-v1" and row["measure_title"] == "CSI-4"


def test_demo_data_has_months_of_scores_and_leaves_the_new_couple_unscreened(app):
    from clinic.couples.models import Couple
    from clinic.demo import seed_demo
    from clinic.measures.models import MeasureResponse, SafetyScreen

    assert seed_demo()
    couples = {c.display_name: c for c in db.session.scalars(select(Couple))}
    efct = couples["Rivera & Chen"]
    rows = csi_rows(efct)
    assert len({r["partner"] for r in rows}) == 2
    assert (rows[-1]["answered_at"] - rows[0]["answered_at"]).days >= 90
    assert len(ecr_rows(efct)) >= 6
    screens = db.session.scalars(select(SafetyScreen)).all()
    assert screens and not any(s.is_positive for s in screens)
    new = couples["Okonkwo & Lindqvist"]
    assert not [s for s in screens if s.couple_id == new.id]
    assert "Safety screen not yet sent to both partners." in caseload_info([new])[new.id].alerts
    assert any("CSI-4 fell" in a for a in caseload_info([couples["Nair & Varga"]])[couples["Nair & Varga"].id].alerts)
    assert all(r.scores for r in db.session.scalars(select(MeasureResponse)))
