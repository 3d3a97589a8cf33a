"""Fictional demo sessions: Rivera & Chen (EFT) moving through stage 1 into stage 2, Nair & Varga (CBCT)
working through modules, one recent draft, one addendum. Every word here is invented."""

from datetime import UTC, datetime, timedelta

from clinic.db import utcnow
from clinic.extensions import db
from clinic.sessions import services

RISK_NONE = {"risk_a": "none", "risk_b": "none", "risk_note_a": "", "risk_note_b": ""}

EFT_NOTES = [
    dict(
        stage="1",
        steps=["1"],
        cycle_a="full",
        cycle_b="full",
        interventions=["empathic_reflection", "validation"],
        tango_moves=["1"],
        enactment="no",
        observations="Assessment: both describe fights about late work nights. Alliance forming.",
        plan="Individual sessions with each partner next; then map the cycle together.",
    ),
    dict(
        stage="1",
        steps=["1", "2"],
        cycle_a="full",
        cycle_b="full",
        interventions=["tracking_cycle", "empathic_reflection"],
        tango_moves=["1", "2"],
        enactment="no",
        plan="Keep tracking the cycle as it happens in the room.",
        cycle_note="Alex presses with questions when Jordan is late; Jordan goes quiet and works more.",
    ),
    dict(
        stage="1",
        steps=["2", "3"],
        cycle_a="full",
        cycle_b="partial",
        emotions_a=["fear", "loneliness"],
        emotions_b=["shame", "fear"],
        needs_a=["closeness", "valued"],
        needs_b=["fear_failure", "acceptance"],
        interventions=["evocative_responding", "empathic_conjecture", "heightening"],
        tango_moves=["1", "2"],
        enactment="no",
        plan="Stay with Jordan's fear of failing Alex; slow down Alex's protest.",
    ),
    dict(
        stage="1",
        steps=["3", "4"],
        cycle_a="partial",
        cycle_b="partial",
        emotions_a=["loneliness"],
        emotions_b=["shame"],
        needs_a=["closeness"],
        needs_b=["acceptance"],
        interventions=["reframing", "tracking_cycle"],
        tango_moves=["1", "2", "5"],
        enactment="no",
        change_events=["de_escalation"],
        plan="The couple now names the cycle as the enemy. Begin stage 2 with Jordan.",
        cycle_note="They caught “the storm and the shell” mid-argument at home and paused it.",
    ),
    dict(
        stage="2",
        steps=["5"],
        stage2_role_a="pursuer",
        stage2_role_b="withdrawer",
        stage2_a="not_started",
        stage2_b="in_progress",
        stage2_steps_b=["5"],
        cycle_a="partial",
        cycle_b="variant",
        emotions_b=["fear", "shame"],
        needs_b=["fear_failure"],
        interventions=["heightening", "enactments", "evocative_responding"],
        tango_moves=["1", "2", "3", "4"],
        enactment="yes",
        enactment_speaker="b",
        enactment_received="partly",
        enactment_note="Jordan told Alex he goes quiet because he fears he can never get it right; Alex "
        "listened, then began to argue the point.",
        plan="Repeat the enactment; help Alex stay with Jordan's fear.",
    ),
    dict(
        stage="2",
        steps=["5", "6"],
        stage2_role_a="pursuer",
        stage2_role_b="withdrawer",
        stage2_a="not_started",
        stage2_b="reached",
        stage2_steps_b=["5", "6"],
        cycle_a="not_seen",
        cycle_b="not_seen",
        emotions_b=["fear"],
        needs_b=["acceptance"],
        interventions=["enactments", "validation", "heightening"],
        tango_moves=["1", "2", "3", "4", "5"],
        enactment="yes",
        enactment_speaker="b",
        enactment_received="took_in",
        enactment_note="Jordan asked Alex to let him step away for ten minutes and promised to come back; "
        "Alex softened and said she could trust a promise like that.",
        change_events=["withdrawer_reengagement", "bonding_event"],
        plan="Withdrawer re-engagement reached. Next: prepare Alex's softening.",
    ),
]

CBCT_NOTES = [
    dict(
        agenda="Assessment feedback; introduce speaker–listener skills.",
        week_rating_a=5,
        week_rating_b=4,
        checkin_a="Tense week about the electricity bill.",
        checkin_b="Felt blamed about chores.",
        modules=["communication_sharing"],
        skill_practice="Short sharing conversation about a good memory.",
        speaker_skill_a="3",
        listener_skill_a="2",
        speaker_skill_b="2",
        listener_skill_b="3",
        plan="Daily ten-minute sharing talk.",
    ),
    dict(
        agenda="Review sharing talks; start problem-solving on the budget.",
        week_rating_a=6,
        week_rating_b=6,
        modules=["communication_sharing", "communication_problem_solving"],
        speaker_skill_a="4",
        listener_skill_a="3",
        speaker_skill_b="3",
        listener_skill_b="3",
        skill_practice="Defined one problem: who pays which bills. Brainstorm without criticism.",
        plan="Try the agreed bill split for one week.",
    ),
    dict(
        agenda="Budget trial; Tomás's thought that Priya does not care.",
        week_rating_a=7,
        week_rating_b=5,
        modules=["cognitive_restructuring", "guided_behaviour_change"],
        cognition_types=["attributions", "standards"],
        speaker_skill_a="not_practised",
        listener_skill_a="not_practised",
        speaker_skill_b="not_practised",
        listener_skill_b="not_practised",
        cognitions="Situation: Priya forgot to pay a bill. Thought: she doesn't care about us (attribution). "
        "Alternative: she had three deadlines that week. Standard: partners should never forget.",
        plan="Caring days: each does one small kind thing daily.",
    ),
    dict(
        agenda="Caring days review; stress from Tomás's new job.",
        week_rating_a=7,
        week_rating_b=6,
        modules=["environmental_stressors", "emotion_regulation"],
        plan="",
    ),
]


def seed_sessions(practice, password: str) -> None:
    """Seed the notes; `password` is the demo therapist's, since demo notes are signed like any other."""
    therapist = practice.therapist
    efct, cbct = practice.couples["efct"], practice.couples["cbct"]
    eft_sessions = []
    for days, answers in zip((84, 70, 56, 42, 28, 14), EFT_NOTES, strict=True):
        eft_sessions.append(_session(efct, therapist, days, "efct", answers))
        _sign(eft_sessions[-1], therapist, password)
        if len(eft_sessions) in (2, 4):  # the cycle is mapped in session 2 and renamed by the couple in 4
            _cycle_map(efct, therapist, eft_sessions[-1])
    services.add_addendum(
        eft_sessions[4].progress_note,
        therapist,
        "Late entry",
        "After the session Alex phoned to say the enactment had stayed with her all week; noted here as a late entry.",
        at=eft_sessions[4].starts_at + timedelta(days=3),
    )
    _session(
        efct,
        therapist,
        1,
        "efct",
        dict(
            stage="2",
            steps=["6"],
            stage2_role_a="pursuer",
            stage2_role_b="withdrawer",
            stage2_a="in_progress",
            stage2_b="reached",
            stage2_steps_a=["6"],
            observations="Draft: Alex began to name her fear of being alone.",
        ),
    )
    for days, cbct_answers in zip((35, 28, 21), CBCT_NOTES, strict=False):
        _sign(_session(cbct, therapist, days, "cbct", cbct_answers), therapist, password)
    _session(cbct, therapist, 5, "cbct", CBCT_NOTES[3], risk=False)  # an overdue draft: shows the caseload alert
    db.session.flush()


def _session(couple, therapist, days_ago: int, model: str, answers: dict, risk: bool = True):
    day = (utcnow() - timedelta(days=days_ago)).date()
    therapy_session = services.record_session(
        couple,
        {
            "starts_at": datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC),
            "minutes": 50,
            "format": "video" if days_ago in (56, 21) else "in_person",
            "kind": "conjoint",
            "individual_partner": "",
            "attendance": "attended",
            "model": model,
        },
        therapist,
    )
    note = therapy_session.progress_note
    assert note is not None  # record_session always opens the session's note
    note.answers = {**(note.answers or {}), **(RISK_NONE if risk else {}), **answers}
    note.version += 1
    db.session.flush()
    return therapy_session


def _sign(therapy_session, therapist, password: str) -> None:
    note = therapy_session.progress_note
    assert note is not None
    services.sign_note(note, therapist, password, True, at=therapy_session.starts_at + timedelta(hours=3))


def _cycle_map(couple, therapist, therapy_session) -> None:
    words_a = {
        "trigger": "Jordan comes home late without a message",
        "reactive_emotion": "Anger, frustration",
        "action_tendency": "Pursue: questions, criticism",
        "primary_emotion": "Fear of being alone",
        "attachment_need": "To know she matters and he will come back",
    }
    words_b = {
        "trigger": "Alex's questions at the door",
        "reactive_emotion": "Numbness, irritation",
        "action_tendency": "Withdraw: goes quiet, works more",
        "primary_emotion": "Shame, fear of failing",
        "attachment_need": "To be accepted without having to get everything right",
    }
    current = services.current_cycle_map(couple)
    at = therapy_session.starts_at + timedelta(hours=2)
    if current is None:
        services.save_cycle_map(couple, therapist, None, "the argument", words_a, words_b, at=at)
    else:
        services.save_cycle_map(
            couple,
            therapist,
            current.number,
            "the storm and the shell",
            words_a,
            {**words_b, "primary_emotion": "Shame; fear that he can never get it right"},
            at=at,
        )
