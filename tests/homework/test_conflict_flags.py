"""Which built-in exercises may stir up conflict: pinned, each with a one-line reason in its file."""

import frontmatter

from clinic.homework.library import CONTENT_DIR

RAISES_CONFLICT = {
    "boundaries-worksheet",
    "problem-solving",
    "raw-spot-conversation",
    "reassurance-plan",
    "speaker-listener",
    "spotting-our-cycle",
    "time-out-and-return",
    "rocky-moment-conversation",
    "injury-forgiveness-conversation",
    "daily-temperature-reading",
    "weekly-couple-meeting",
}
CALM = {
    "attachment-trigger-journal",
    "caring-days",
    "forgiveness-reflection",
    "gratitude-exchange",
    "mindful-check-in",
    "self-care-plan",
    "thought-log",
    "stress-reducing-conversation",
    "rituals-of-connection",
    "weekly-best-and-hardest",
    "speaker-listener-card",
    "personal-safety-plan",
}


def _meta() -> dict[str, dict]:
    return {path.stem: frontmatter.load(path).metadata for path in sorted(CONTENT_DIR.glob("*.md"))}


def test_the_set_of_conflict_raising_exercises_is_pinned():
    meta = _meta()
    assert set(meta) == RAISES_CONFLICT | CALM and len(meta) == 23
    assert {slug for slug, m in meta.items() if m["raises_conflict"] is True} == RAISES_CONFLICT


def test_every_exercise_says_why_in_one_line():
    for slug, m in _meta().items():
        note = str(m.get("conflict_note", "")).strip()
        assert note and "\n" not in note and len(note) <= 140, slug


def test_time_out_has_the_safety_steps_and_no_pursuit():
    steps = " ".join(_meta()["time-out-and-return"]["steps"])
    assert "come find you" not in steps
    for needed in (
        "when they will be back",
        "Don't follow",
        "alcohol",
        "drive",
        "unsafe",
        "911",
        "1-800-799-SAFE (7233)",
        "agreed time to check in",
    ):
        assert needed in steps, needed
