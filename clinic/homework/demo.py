"""Demo homework: a month of fictional assignments and entries for the EFCT and CBCT demo couples."""

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from clinic.extensions import db
from clinic.homework.library import sync_builtin_exercises
from clinic.homework.models import Assignment, Entry, Exercise
from clinic.homework.services import practice_today
from clinic.sessions.models import TherapySession

# A couple's recent fade: (days before today, factor) — the CBCT couple slipped over the last fortnight,
# so the caseload shows the low-adherence alert; the EFCT couple's less engaged partner eases off a little.
FADE = {"efct": (7, 0.6, False), "cbct": (12, 0.7, True)}  # (days, factor, both partners?)

# (slug, who, frequency, times_per_week, started days ago, due in days or None, note, chance per partner a/b)
PLAN: dict[str, list[tuple[Any, ...]]] = {
    "efct": [
        (
            "attachment-trigger-journal",
            "each",
            "daily",
            None,
            27,
            None,
            "A few lines on the days something stirs you up is plenty. No need to be thorough.",
            (0.8, 0.45),
        ),
        (
            "spotting-our-cycle",
            "each",
            "weekly",
            2,
            20,
            None,
            "Let's bring these to our next session and look at the loop together.",
            (0.9, 0.6),
        ),
        ("gratitude-exchange", "each", "daily", None, 13, None, "", (0.85, 0.7)),
        ("reassurance-plan", "together", "once", None, 16, -9, "Keep it short and practical.", (1.0, 0.0)),
    ],
    "cbct": [
        (
            "speaker-listener",
            "together",
            "weekly",
            3,
            27,
            None,
            "Start with easy topics: weekend plans, a film, a memory.",
            (0.55, 0.35),
        ),
        (
            "thought-log",
            "each",
            "weekly",
            3,
            20,
            None,
            "Try to catch at least one thought about money each week.",
            (0.7, 0.5),
        ),
        ("caring-days", "each", "daily", None, 12, None, "", (0.6, 0.75)),
        ("problem-solving", "together", "weekly", 1, 14, None, "The chores rota is a good first problem.", (0.5, 0.5)),
    ],
}

SAMPLES = {
    "situation": [
        "Waited for a reply to a message for most of the afternoon.",
        "Plans for Saturday changed at the last minute.",
        "Came home and the house was quiet; my partner was on the phone.",
        "We talked about the electricity bill over dinner.",
    ],
    "surface": ["Irritated and restless", "Annoyed, a bit cold", "Flat, wanted to be left alone"],
    "underneath": ["Worried I don't matter as much", "Scared of being let down again", "Lonely"],
    "needed": ["A quick word that we're okay", "Some time, then a hug", "To be asked how my day was"],
    "did": [
        "Sent three more messages, then stopped and went for a walk",
        "Went quiet and read",
        "Said 'I'm feeling a bit wobbly' instead of snapping",
    ],
    "trigger": ["A late finish at work", "A sharp comment about the dishes", "Forgotten phone call"],
    "my_move": ["I pushed for an answer", "I withdrew to the other room", "I criticised"],
    "partner_move": ["They went quiet", "They raised their voice", "They left to cool down"],
    "surface_feeling": ["Angry", "Numb", "Frustrated"],
    "caught_it": ["I said 'our loop again' and we both laughed a little", "Not this time", "Later that evening"],
    "caring_act": ["Made coffee before the early shift", "Picked up the dry cleaning", "Left a kind note"],
    "noticed": ["They cleared the kitchen without being asked", "A hug when I got home"],
    "feeling": ["Warm", "Surprised and pleased", "A little awkward but nice"],
    "thought": ["They never think about our budget", "This always ends in a fight", "They don't care"],
    "thought_type": ["Attribution", "Expectancy", "Standard", "Selective attention"],
    "emotion": ["Angry, 7", "Anxious, 6", "Sad, 5"],
    "alternative": [
        "They were tired; they did check the account last week",
        "We handled the last one calmly",
        "They showed they cared on Sunday",
    ],
    "problem": ["Who cooks on weeknights", "The chores rota on Saturdays"],
    "feelings_needs": ["Both of us feel tired in the evenings and want a fair split"],
    "ideas": ["Alternate nights; cook twice on Sundays; simple meals on Wednesdays"],
    "agreement": ["Priya cooks Mon/Wed, Tomás Tue/Thu, Friday is leftovers. Review in two weeks."],
    "review_date": ["Sunday after next"],
    "how_to_ask": ["I'll say 'I need a minute of closeness' instead of asking if everything is okay"],
    "how_to_offer": ["A hug and 'I'm here', without a long discussion"],
    "self_soothing": ["Slow breathing, then a short walk"],
    "limits": ["If I ask more than twice in an hour, I'll try the breathing first"],
    "check_in": ["At our next session"],
}
FREE_TEXT = [
    "",
    "",
    "Harder than I expected, but I did it.",
    "This one felt easier today.",
    "We both remembered without a reminder.",
    "Short one today.",
]


def seed_homework(practice) -> None:
    sync_builtin_exercises()
    exercises = {e.slug: e for e in db.session.scalars(select(Exercise).where(Exercise.owner_id.is_(None)))}
    rng = random.Random(4242)  # noqa: S311 - repeatable fictional data, not security
    today = practice_today()
    for key, plan in PLAN.items():
        couple = practice.couples[key]
        for slug, who, kind, per_week, ago, due_in, note, chances in plan:
            start = today - timedelta(days=ago)
            assignment = Assignment(
                couple_id=couple.id,
                exercise_id=exercises[slug].id,
                assigned_by_id=practice.therapist.id,
                therapy_session_id=_session_before(couple, start),
                who=who,
                starts_on=start,
                due_on=today + timedelta(days=due_in) if due_in is not None else None,
                frequency_kind=kind,
                times_per_week=per_week,
                note=note,
                status="active",
                pauses=[],
                created_at=_at(start, 17),
            )
            db.session.add(assignment)
            db.session.flush()
            _entries(assignment, exercises[slug], couple, chances, rng, today, FADE[key])
    db.session.flush()


def _entries(assignment, exercise, couple, chances, rng, today, fade) -> None:
    days = (today - assignment.starts_on).days  # up to yesterday: today's homework is still to do
    if assignment.frequency_kind == "once":
        _add(assignment, exercise, couple.partner("a"), assignment.starts_on + timedelta(days=3), rng, shared=True)
        return
    rate = 1.0 if assignment.frequency_kind == "daily" else (assignment.times_per_week or 1) / 7
    for position, chance in zip("ab", chances, strict=True):
        partner = couple.partner(position)
        if assignment.who == "together" and position == "b":
            chance = chance * 0.5  # together: either partner logs it, mostly partner a
        for i in range(days):
            day = assignment.starts_on + timedelta(days=i)
            late_drop = fade[1] if (today - day).days <= fade[0] and (fade[2] or chance < 0.5) else 1.0
            if rng.random() < rate * chance * late_drop:
                _add(assignment, exercise, partner, day, rng, shared=rng.random() < 0.45)


def _add(assignment, exercise, partner, day, rng, shared: bool) -> None:
    answers, rating = {}, None
    if exercise.completion == "checklist":
        answers = {f["key"]: rng.random() < 0.8 for f in exercise.fields}
    elif exercise.completion == "rating":
        rating = rng.randint(2, 5)
    else:
        answers = {f["key"]: rng.choice(SAMPLES.get(f["key"], ["(fictional note)"])) for f in exercise.fields}
    db.session.add(
        Entry(
            assignment_id=assignment.id,
            partner_id=partner.id,
            couple_id=assignment.couple_id,
            done_on=day,
            answers=answers,
            rating=rating,
            free_text=rng.choice(FREE_TEXT),
            is_shared=shared,
            created_at=_at(day, 21),
            updated_at=_at(day, 21),
        )
    )


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, rng_minute(day)), tzinfo=UTC)


def rng_minute(day) -> int:
    return (day.toordinal() * 7) % 60


def _session_before(couple, start):
    return db.session.scalar(
        select(TherapySession.id)
        .where(TherapySession.couple_id == couple.id, TherapySession.starts_at <= _at(start, 23))
        .order_by(TherapySession.starts_at.desc())
        .limit(1)
    )
