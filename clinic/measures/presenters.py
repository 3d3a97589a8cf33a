"""What the measures pages show, as plain template context: shared by the therapist pages (views.py),
the partner's pages (portal.py) and the partner's Today page. No routes, no commits."""

from flask import url_for

from clinic.db import utcnow
from clinic.measures import caseload, charts, safety, schedule, screen, services
from clinic.measures.forms import DecisionForm, FollowUpForm, RequestForm, StopForm
from clinic.measures.library import MEASURES


def format_own(measure_key: str, scores: dict) -> str:
    """A partner-facing short score: '15 out of 21', 'worry 4.33 · discomfort 2 (of 7)'."""
    if measure_key == "csi4":
        return f"{scores['total']:g} out of 21"
    if measure_key == "ecr_rs":
        return f"worry {scores['anxiety']:g} · discomfort {scores['avoidance']:g} (each of 7)"
    return f"{scores['mean']:g} out of 5"


def waiting_for(partner) -> list[dict]:
    """What this partner (only) has waiting: for the Today page. Never about the other partner."""
    items = [
        {
            "title": MEASURES[r.measure_key].title,
            "minutes": 2 if r.measure_key == "csi4" else 4,
            "url": url_for("measures_portal.answer", request_id=r.id),
        }
        for r in services.due_requests(partner)
    ]
    if (waiting := safety.waiting_screen(partner)) is not None:
        url = url_for("measures_portal.check_in", screen_id=waiting.id)
        items.append({"title": screen.NEUTRAL_TITLE, "minutes": 2, "url": url})
    return items


def couple_page(couple, request_form=None) -> dict:
    """The couple's measures page: charts with their tables, requests, other answers, safety screens."""
    responses = services.couple_responses(couple)  # every measure at once, split here: one read
    csi = [r for r in responses if r.measure_key == "csi4"]
    ecr = [r for r in responses if r.measure_key == "ecr_rs"]
    screens, requests = safety.screens_for(couple), services.all_requests(couple)
    sessions, now = schedule.last_session_times([couple.id]), utcnow()
    return {
        "couple": couple,
        "info": caseload.provide([couple], totals=caseload.totals_from(csi), screens=screens)[couple.id],
        "drop_rule": caseload.DROP_RULE,
        "csi_svg": charts.csi_chart_svg(couple, csi),
        "csi_rows": charts.csi_rows(couple, csi),
        "ecr_svg": charts.ecr_chart_svg(couple, ecr),
        "ecr_rows": charts.ecr_rows(couple, ecr),
        "others": [r for r in responses if r.measure_key not in ("csi4", "ecr_rs")],
        "requests": requests,
        "due_ids": {r.id for r in requests if schedule.is_due(r, now, sessions)},
        "measures": MEASURES,
        "request_form": request_form or RequestForm(formdata=None),
        "screens": screens,
        "screen_status": safety.screen_status(couple, screens),
        "rule_text": screen.RULE_TEXT[screen.VERSION],
        "plain_form": StopForm(formdata=None),
        "tier_labels": screen.TIER_LABELS,
    }


def _screen_forms(couple, found, decision_form, follow_form):
    follow = safety.follow_up_for(found)
    if follow_form is None:
        follow_form = FollowUpForm(formdata=None, obj=follow, data=(follow.answers if follow else {}))
    decision_form = decision_form or DecisionForm(formdata=None)
    tier = safety.decision_tier(couple, found) if found.is_answered else "none"
    decision_form.decision.choices = {"": "Choose how you will proceed…", **safety.allowed_decisions(tier)}
    return {"form": decision_form, "follow_form": follow_form, "follow": follow, "decision_tier": tier}


def screen_page(couple, found, decision_form=None, follow_form=None) -> dict:
    """One safety screen for the therapist: result, reasons, answers both ways, decision and follow-up."""
    result = found.result
    return {
        "couple": couple,
        "screen": found,
        "result": result,
        "tier_labels": screen.TIER_LABELS,
        "reasons": screen.reason_labels(result.reasons) if result else [],
        "labels": screen.answer_labels(found.answers or {}),
        "rows": screen.both_directions(found.answers or {}, found.scoring_version),
        "directions": screen.DIRECTION_LABELS,
        "rule_text": screen.RULE_TEXT.get(found.scoring_version or screen.VERSION),
        "follow_citation": screen.FOLLOW_UP_CITATION,
        **_screen_forms(couple, found, decision_form, follow_form),
    }
