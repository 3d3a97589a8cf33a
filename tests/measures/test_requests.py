"""Requesting, answering (portal and paper), bad input, schedules and audit."""

from datetime import date, timedelta

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.measures import services
from clinic.measures.models import MeasureRequest, MeasureResponse
from tests.measures.helpers import age, answer, csi_form, request_for


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_therapist_requests_csi4_for_both_partners_and_each_sees_only_their_own(client, world, login):
    login(client, world.therapist)
    response = client.post(
        f"/couples/{world.couple.id}/measures/requests", data={"measure_key": "csi4", "who": "both", "schedule": "once"}
    )
    assert response.status_code == 302
    requests = db.session.scalars(select(MeasureRequest).order_by(MeasureRequest.id)).all()
    assert [r.partner.position for r in requests] == ["a", "b"]
    assert _actions().count("measure_request.created") == 2
    login(client, world.partner_a)
    today = client.get("/portal/").get_data(as_text=True)
    assert "Couples Satisfaction Index (CSI-4)" in today
    assert f"/portal/questionnaires/{requests[0].id}" in today
    assert f"/portal/questionnaires/{requests[1].id}" not in today
    assert client.get(f"/portal/questionnaires/{requests[1].id}").status_code == 404


def test_request_form_validation(client, world, login):
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/measures/requests"
    page = client.post(url, data={"measure_key": "csi4", "who": "a", "schedule": "every_n_days"})
    assert page.status_code == 422 and "Enter how many days apart" in page.get_data(as_text=True)
    assert client.post(url, data={"measure_key": "nope", "who": "a", "schedule": "once"}).status_code == 422
    assert (
        client.post(
            url, data={"measure_key": "csi4", "who": "a", "schedule": "every_n_days", "interval_days": "14"}
        ).status_code
        == 302
    )
    again = client.post(url, data={"measure_key": "csi4", "who": "both", "schedule": "once"})
    assert again.status_code == 422 and "already has an active CSI-4 request" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(MeasureRequest)).all()) == 1


def test_half_filled_form_is_refused_with_missing_items_marked_and_answers_kept(client, world, login):
    request = request_for(world)
    login(client, world.partner_a)
    page = client.post(f"/portal/questionnaires/{request.id}", data={"sequence": "1", "item_1": "4", "item_3": "2"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="item_2-error"' in html and 'id="item_4-error"' in html and 'id="item_1-error"' not in html
    assert 'id="item_2-set" aria-invalid="true"' in html and 'id="item_4-set" aria-invalid="true"' in html
    assert 'name="item_1" value="4" checked' in html and 'name="item_3" value="2" checked' in html
    assert db.session.scalars(select(MeasureResponse)).all() == []


def test_out_of_scale_and_duplicated_answers_are_refused(client, world, login):
    request = request_for(world)
    login(client, world.partner_a)
    url = f"/portal/questionnaires/{request.id}"
    page = client.post(url, data=csi_form([7, 5, 5, 5]))
    assert page.status_code == 422 and "Choose one of the listed answers." in page.get_data(as_text=True)
    page = client.post(url, data={**csi_form([1, 1, 1, 1]), "item_2": ["1", "5"]})
    assert page.status_code == 422 and "answered more than once" in page.get_data(as_text=True)
    assert client.post(url, data=csi_form(["x", 1, 1, 1])).status_code == 422
    assert db.session.scalars(select(MeasureResponse)).all() == []


def test_complete_answers_are_stored_raw_and_scored_and_second_submit_changes_nothing(client, world, login):
    request = request_for(world)
    login(client, world.partner_a)
    url = f"/portal/questionnaires/{request.id}"
    assert client.post(url, data=csi_form([4, 3, 3, 3])).status_code == 302
    (stored,) = db.session.scalars(select(MeasureResponse)).all()
    assert stored.answers == {"1": 4, "2": 3, "3": 3, "4": 3}
    assert (stored.method, stored.scoring_version, stored.recorded_by_id) == ("portal", "csi4-v1", world.partner_a.id)
    assert stored.scores == {"total": 13}
    again = client.post(url, data=csi_form([6, 5, 5, 5]))
    assert again.status_code == 409 and "already been answered" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(MeasureResponse)).all()) == 1
    history = client.get("/portal/questionnaires").get_data(as_text=True)
    assert "13 out of 21" in history and "Scores below 13.5" in history
    assert "measure_response.created.portal" in _actions()


def test_posting_for_the_other_partners_request_is_refused(client, world, login):
    request_b = request_for(world, "b")
    login(client, world.partner_a)
    assert client.post(f"/portal/questionnaires/{request_b.id}", data=csi_form([1, 1, 1, 1])).status_code == 404
    login(client, world.outsider)
    assert client.post(f"/portal/questionnaires/{request_b.id}", data=csi_form([1, 1, 1, 1])).status_code == 404
    assert db.session.scalars(select(MeasureResponse)).all() == []


def test_every_n_days_comes_back_when_due(app, world):
    request = request_for(world, schedule="every_n_days", interval_days=14)
    first = answer(request, [3, 3, 3, 3], world.partner_a)
    assert not services.is_due(request)
    age(first, 15)
    assert services.is_due(request) and services.next_sequence(request) == 2
    answer(request, [4, 4, 4, 4], world.partner_a)
    assert [r.sequence for r in request.responses] == [1, 2]


def test_once_request_is_done_after_one_answer_and_stopped_requests_refuse(client, world, login):
    once = request_for(world, measure_key="ecr_rs")
    answer(once, [4] * 9, world.partner_a)
    assert services.due_requests(world.couple.partner("a")) == []
    stopped = request_for(world, measure_key="csi4")
    services.stop_request(stopped, world.therapist)
    login(client, world.partner_a)
    page = client.post(f"/portal/questionnaires/{stopped.id}", data=csi_form([1, 1, 1, 1]))
    assert page.status_code == 409 and "no longer requested" in page.get_data(as_text=True)


def test_therapist_enters_paper_answers_recorded_as_paper(client, world, login):
    request = request_for(world, "b", measure_key="ecr_rs")
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/measures/requests/{request.id}/paper"
    assert "Enter" in client.get(url).get_data(as_text=True)
    form = {
        "sequence": "1",
        "answered_on": (date.today() - timedelta(days=2)).isoformat(),
        **{f"item_{n}": "4" for n in range(1, 10)},
    }
    future = client.post(url, data={**form, "answered_on": (date.today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and "be in the future" in future.get_data(as_text=True)
    assert client.post(url, data=form).status_code == 302
    (stored,) = db.session.scalars(select(MeasureResponse)).all()
    assert (stored.method, stored.recorded_by_id, stored.partner_id) == (
        "paper",
        world.therapist.id,
        world.couple.partner("b").id,
    )
    assert stored.scores == {"anxiety": 4.0, "avoidance": 4.0}
    assert "measure_response.created.paper" in _actions()
    page = client.get(f"/couples/{world.couple.id}/measures/responses/{stored.id}").get_data(as_text=True)
    assert "Paper form" in page and "I talk things over with this person." in page
    assert "measure_response.viewed" in _actions()


def test_couple_measures_page_shows_chart_table_and_audits_the_view(client, world, login):
    answer(request_for(world, "a"), [5, 4, 4, 4], world.partner_a)
    answer(request_for(world, "b"), [2, 2, 2, 2], world.partner_b)
    login(client, world.therapist)
    page = client.get(f"/couples/{world.couple.id}/measures")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "cut-off 13.5" in html and "CSI-4 scores as a table" in html
    assert world.couple.partner("a").name in html and world.couple.partner("b").name in html
    assert "style=" not in html
    assert "measure_scores.viewed" in _actions()


def test_before_every_session_is_due_again_once_a_session_took_place(app, world):
    from clinic.db import utcnow
    from clinic.measures.schedule import is_due

    request = request_for(world, schedule="before_session")
    assert is_due(request, utcnow(), {})
    first = answer(request, [3, 3, 3, 3], world.partner_a)
    now = utcnow()
    assert not is_due(request, now, {})  # no session yet since the answer
    assert not is_due(request, now, {world.couple.id: first.answered_at - timedelta(days=1)})
    assert is_due(request, now, {world.couple.id: first.answered_at + timedelta(hours=1)})
    # Without a sessions record at all, a weekly rhythm is assumed.
    assert not is_due(request, now, None)
    assert is_due(request, now + timedelta(days=7), None)


def test_nothing_is_due_once_the_couple_is_closed(client, world, login):
    request = request_for(world)
    world.couple.status = "closed"
    db.session.commit()
    login(client, world.partner_a)
    assert "Couples Satisfaction Index" not in client.get("/portal/").get_data(as_text=True)
    page = client.post(f"/portal/questionnaires/{request.id}", data=csi_form([1, 1, 1, 1]))
    assert page.status_code == 409 and db.session.scalars(select(MeasureResponse)).all() == []
