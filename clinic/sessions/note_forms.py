"""The progress-note templates: one WTForms form per model, with real structured fields.

A draft saves whatever shape-valid answers it holds (so nothing typed is ever refused for being
incomplete); `completeness.sign_problems()` lists what must be filled in before the note can be signed.
`SECTIONS` orders the fields for the edit page, the read-only view and the export alike.
Labels may hold {a} and {b}: they become the partners' names.
"""

from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from clinic.forms import BaseForm, VersionField, strip_filter

TEXT = [strip_filter]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def text(label, max_length=4000, description=None):
    return TextAreaField(label, validators=[Optional(), Length(max=max_length)], filters=TEXT, description=description)


def radio(label, choices, description=None):
    return RadioField(label, choices=choices, validators=[Optional()], description=description)


def checks(label, choices, description=None):
    return MultiCheckboxField(label, choices=choices, validators=[Optional()], description=description)


RISK_LEVELS = {"none": "None", "low": "Low", "moderate": "Moderate", "high": "High"}


class NoteForm(BaseForm):
    """Fields every template shares: risk per partner, homework, plan, an optional DAP narrative."""

    template = ""
    SECTIONS: list = []
    COMMON_SECTIONS = [
        ("Risk check", [["risk_a", "risk_b"], ["risk_note_a", "risk_note_b"]]),
        ("Homework", [["homework_review"], ["homework_given"]]),
        ("Plan for next session", [["plan"]]),
        ("Narrative (optional, Data / Assessment / Plan)", [["dap_data"], ["dap_assessment"], ["dap_plan"]]),
    ]

    version = VersionField()
    risk_a = radio("Risk — {a}", RISK_LEVELS)
    risk_b = radio("Risk — {b}", RISK_LEVELS)
    risk_note_a = text("Risk note — {a}", 1000, "What you asked and heard; needed when risk is moderate or high.")
    risk_note_b = text("Risk note — {b}", 1000, "What you asked and heard; needed when risk is moderate or high.")
    homework_review = text(
        "Homework reviewed",
        description="Prefilled from the homework recorded since the last session when there is any; edit freely.",
    )
    homework_given = text("Homework given", 2000)
    plan = text("Plan for next session", 2000)
    dap_data = text("Data")
    dap_assessment = text("Assessment")
    dap_plan = text("Plan")

    def __init__(self, *args, couple=None, **kwargs):
        super().__init__(*args, **kwargs)
        if couple is not None:
            names = {p.position: p.name for p in couple.partners}
            named = lambda t: t.replace("{a}", names["a"]).replace("{b}", names["b"])  # noqa: E731
            for field in self:
                field.label.text = named(field.label.text)
                if isinstance(getattr(field, "choices", None), dict):
                    field.choices = {k: named(v) for k, v in field.choices.items()}

    @property
    def sections(self):
        return [*self.SECTIONS, *self.COMMON_SECTIONS]

    def answers(self) -> dict:
        """The structured answers to store (every template field; never the version or the token)."""
        return {name: self[name].data for _, rows in self.sections for row in rows for name in row}


EFT_STAGES = {
    "1": "Stage 1 · Cycle de-escalation",
    "2": "Stage 2 · Restructuring interactional positions",
    "3": "Stage 3 · Consolidation and integration",
}
EFT_STEPS = {
    "1": "1 · Alliance; the conflict issues in the core attachment struggle",
    "2": "2 · Identify the negative interaction cycle",
    "3": "3 · Access unacknowledged attachment emotions under each position",
    "4": "4 · Reframe the problem as the cycle, the emotions and needs (the common enemy)",
    "5": "5 · Identify with disowned attachment needs and aspects of self (watershed)",
    "6": "6 · Acceptance of the partner's new experience and responses",
    "7": "7 · Express specific needs and wants; emotional engagement (bonding events)",
    "8": "8 · New solutions to old problematic issues",
    "9": "9 · Consolidate new positions and new cycles of attachment behaviour",
}
MILESTONE = {"not_started": "Not started", "in_progress": "In progress", "reached": "Reached"}
CYCLE_SEEN = {
    "full": "Full cycle, as mapped",
    "partial": "Partly: caught and slowed sooner",
    "variant": "A variation of the mapped cycle",
    "not_seen": "Not seen this session",
}
PRIMARY_EMOTIONS = {
    "fear": "Fear",
    "sadness": "Sadness / grief",
    "hurt": "Hurt",
    "shame": "Shame",
    "loneliness": "Loneliness",
    "longing": "Longing",
}
ATTACHMENT_NEEDS = {
    "safety": "Safety and reassurance",
    "closeness": "Closeness and connection",
    "comfort": "Comfort",
    "acceptance": "Acceptance as I am",
    "valued": "Feeling valued, mattering",
    "fear_rejection": "Fear of rejection / abandonment",
    "fear_failure": "Fear of failing the partner",
}
EFT_INTERVENTIONS = {
    "empathic_reflection": "Empathic reflection",
    "validation": "Validation",
    "evocative_responding": "Evocative responding (questions and responses)",
    "heightening": "Heightening",
    "empathic_conjecture": "Empathic conjecture",
    "tracking_cycle": "Tracking and reflecting the cycle",
    "reframing": "Reframing in terms of the cycle and attachment",
    "enactments": "Enactments (choreographing engaged encounters)",
}
TANGO_MOVES = {
    "1": "1 · Mirroring present process",
    "2": "2 · Affect assembly and deepening",
    "3": "3 · Choreographing engaged encounters",
    "4": "4 · Processing the encounter",
    "5": "5 · Integrating and validating",
}
YES_NO = {"yes": "Yes", "no": "No"}
SPEAKER = {"a": "{a}", "b": "{b}", "both": "Both, in turn"}
# A described rating of the enactment, in words (it claims no published source): what the receiving
# partner did with what was offered. The colour rating it replaces is kept for old notes (note_legacy.py).
ENACTMENT_RECEIVED = {
    "took_in": "Took it in and responded: turned toward the speaker, with openness or comfort",
    "partly": "Took some of it in, then moved away (explained, argued or changed the subject)",
    "not_received": "Did not take it in: dismissed, defended, attacked or shut down",
    "stopped": "Stopped before it finished (the therapist slowed or redirected it)",
}
STAGE2_ROLES = {
    "withdrawer": "Withdrawer · re-engagement",
    "pursuer": "Pursuer / blamer · softening",
}
STAGE2_STEPS = {k: v for k, v in EFT_STEPS.items() if k in ("5", "6", "7")}
# Attachment injury resolution (Johnson, Makinen & Millikin 2001), the steps in our own words.
INJURY_STEPS = {
    "1": "1 · The injured partner tells of the incident; the hurt shows",
    "2": "2 · The injuring partner first discounts or defends; the hurt sharpens the cycle",
    "3": "3 · The injured partner stays with the hurt and says what it meant for the bond",
    "4": "4 · The injuring partner begins to hear its weight and owns their part",
    "5": "5 · The injured partner tells a fuller story of it, grieving and naming fears",
    "6": "6 · The injuring partner engages with feeling: regret, remorse, care",
    "7": "7 · The injured partner asks for the comfort that was missing then",
    "8": "8 · The injuring partner offers that comfort; a new story of the event forms",
}
INJURED_PARTNER = {"a": "{a}", "b": "{b}", "both": "Each partner injured the other"}
CHANGE_EVENTS = {
    "de_escalation": "De-escalation: the couple named and stepped out of the cycle",
    "withdrawer_reengagement": "Withdrawer re-engagement event",
    "blamer_softening": "Blamer softening event",
    "bonding_event": "Bonding event (accessible, responsive, engaged)",
}


class EFTNoteForm(NoteForm):
    template = "efct"
    SECTIONS = [
        ("Stage and steps", [["stage"], ["steps"]]),
        (
            "Stage 2, per partner (steps 5–7 run once for each partner)",
            [["stage2_role_a", "stage2_role_b"], ["stage2_steps_a", "stage2_steps_b"], ["stage2_a", "stage2_b"]],
        ),
        (
            "Attachment injury",
            [["injury", "injured_partner"], ["injury_description"], ["injury_steps"], ["injury_note"]],
        ),
        ("The cycle this session", [["cycle_a", "cycle_b"], ["cycle_note"]]),
        ("Primary emotions and attachment needs accessed", [["emotions_a", "emotions_b"], ["needs_a", "needs_b"]]),
        ("Interventions and Tango moves", [["interventions", "tango_moves"]]),
        ("Enactment", [["enactment", "enactment_speaker"], ["enactment_received"], ["enactment_note"]]),
        ("Change events and observations", [["change_events"], ["observations"]]),
    ]

    stage = radio("Stage worked in", EFT_STAGES)
    steps = checks("Steps worked on", EFT_STEPS)
    stage2_role_a = radio(
        "Stage 2 role — {a}", STAGE2_ROLES, "Both partners may hold the same role (pursue–pursue, withdraw–withdraw)."
    )
    stage2_role_b = radio("Stage 2 role — {b}", STAGE2_ROLES)
    stage2_steps_a = checks("Steps 5–7 worked on with {a}", STAGE2_STEPS)
    stage2_steps_b = checks("Steps 5–7 worked on with {b}", STAGE2_STEPS)
    stage2_a = radio(
        "Re-engagement or softening — {a}", MILESTONE, "The two partners' change events may overlap in time."
    )
    stage2_b = radio("Re-engagement or softening — {b}", MILESTONE)
    injury = radio("Attachment injury worked on this session", YES_NO)
    injured_partner = radio("Who was injured", INJURED_PARTNER)
    injury_description = text("The injury, as the injured partner describes it", 2000)
    injury_steps = checks(
        "Resolution steps reached so far", INJURY_STEPS, "Johnson, Makinen & Millikin (2001); tick every step reached."
    )
    injury_note = text("How the injury showed up this session", 2000)
    cycle_a = radio("Cycle observed — {a}", CYCLE_SEEN)
    cycle_b = radio("Cycle observed — {b}", CYCLE_SEEN)
    cycle_note = text("How the cycle showed up", 2000, "Compare with the couple's cycle map.")
    emotions_a = checks("Primary emotions — {a}", PRIMARY_EMOTIONS)
    emotions_b = checks("Primary emotions — {b}", PRIMARY_EMOTIONS)
    needs_a = checks("Attachment needs or fears — {a}", ATTACHMENT_NEEDS)
    needs_b = checks("Attachment needs or fears — {b}", ATTACHMENT_NEEDS)
    interventions = checks("Interventions used", EFT_INTERVENTIONS)
    tango_moves = checks("EFT Tango moves", TANGO_MOVES)
    enactment = radio("Enactment attempted", YES_NO)
    enactment_speaker = radio("Who spoke", SPEAKER)
    enactment_received = radio("What the receiving partner did with it", ENACTMENT_RECEIVED)
    enactment_note = text(
        "What happened, in words", 2000, "What was said, how it was received, and what the speaker did next."
    )
    change_events = checks("Change events", CHANGE_EVENTS)
    observations = text("Observations")


CBCT_MODULES = {
    "communication_sharing": "Communication training · sharing thoughts and feelings",
    "communication_problem_solving": "Communication training · problem-solving",
    "guided_behaviour_change": "Guided behaviour change (e.g. caring days)",
    "cognitive_restructuring": "Cognitive restructuring",
    "emotion_regulation": "Emotion regulation (under- and over-regulated emotion)",
    "environmental_stressors": "Environmental stressors and dyadic coping",
}
COGNITION_TYPES = {
    "selective_attention": "Selective attention",
    "attributions": "Attributions",
    "expectancies": "Expectancies",
    "assumptions": "Assumptions",
    "standards": "Standards",
}
SKILL_LEVELS = {
    "not_practised": "Not practised this session",
    "1": "1 · needed full coaching",
    "2": "2 · needed frequent prompts",
    "3": "3 · some prompts",
    "4": "4 · occasional prompts",
    "5": "5 · used the skills unprompted",
}
SKILL_FIELDS = ("speaker_skill_a", "listener_skill_a", "speaker_skill_b", "listener_skill_b")


def skill(label: str) -> SelectField:
    return SelectField(label, choices={"": "—", **SKILL_LEVELS}, validators=[Optional()])


def homework_text(label: str) -> TextAreaField:
    return text(label, description="Prefilled from this partner's own homework since the last session; edit freely.")


class CBCTNoteForm(NoteForm):
    template = "cbct"
    SECTIONS = [
        ("Check-in and agenda", [["week_rating_a", "week_rating_b"], ["checkin_a", "checkin_b"], ["agenda"]]),
        ("Modules worked on", [["modules"], ["cognition_types"]]),
        (
            "Skill practice",
            [["skill_practice"], ["speaker_skill_a", "speaker_skill_b"], ["listener_skill_a", "listener_skill_b"]],
        ),
        ("Cognitions identified", [["cognitions"]]),
        ("Observations", [["observations"]]),
    ]

    @property
    def sections(self):
        common = [
            ("Homework", [["homework_review_a", "homework_review_b"], ["homework_given"]])
            if h == "Homework"
            else (h, r)
            for h, r in self.COMMON_SECTIONS
        ]
        return [*self.SECTIONS, *common]

    week_rating_a = IntegerField(
        "Week rating — {a} (0–10)", validators=[Optional(), NumberRange(0, 10, "Use a whole number from 0 to 10.")]
    )
    week_rating_b = IntegerField(
        "Week rating — {b} (0–10)", validators=[Optional(), NumberRange(0, 10, "Use a whole number from 0 to 10.")]
    )
    checkin_a = text("Check-in — {a}", 2000)
    checkin_b = text("Check-in — {b}", 2000)
    agenda = text("Agenda", 2000)
    modules = checks("Modules worked on", CBCT_MODULES)
    cognition_types = checks(
        "Cognition types worked with", COGNITION_TYPES, "Needed when cognitive restructuring was a module."
    )
    skill_practice = text("What was practised", 3000, "The coached conversation, topic and roles.")
    speaker_skill_a = skill("Speaker (expresser) skills — {a}")
    speaker_skill_b = skill("Speaker (expresser) skills — {b}")
    listener_skill_a = skill("Listener (empathic listening) skills — {a}")
    listener_skill_b = skill("Listener (empathic listening) skills — {b}")
    homework_review_a = homework_text("Homework reviewed — {a}")
    homework_review_b = homework_text("Homework reviewed — {b}")
    cognitions = text(
        "Cognitions identified", 3000, "Situation, thought, its type, the emotion, a more balanced alternative."
    )
    observations = text("Observations")


IBCT_PHASES = {"assessment": "Assessment", "feedback": "Feedback session (DEEP formulation)", "treatment": "Treatment"}
DEEP = {
    "differences": "Differences",
    "emotional_sensitivities": "Emotional sensitivities",
    "external_stressors": "External stressors",
    "patterns": "Patterns of communication",
}
ACCEPTANCE = {
    "empathic_joining": "Empathic joining",
    "unified_detachment": "Unified detachment",
    "tolerance_building": "Tolerance building",
}
CHANGE = {
    "client_led_change": "Deliberate client-led change",
    "behavioural_activation": "Dyadic behavioural activation",
    "communication_training": "Communication training",
    "problem_solving": "Problem-solving training",
}


class IntegrativeNoteForm(NoteForm):
    template = "integrative"
    SECTIONS = [
        ("Phase", [["phase"]]),
        ("DEEP formulation", [["deep_elements"], ["deep_note"]]),
        ("Strategies used", [["acceptance", "change"]]),
        ("Observations", [["observations"]]),
    ]

    phase = radio("Phase of treatment", IBCT_PHASES)
    deep_elements = checks("DEEP elements addressed", DEEP)
    deep_note = text("Formulation notes", 3000)
    acceptance = checks("Acceptance strategies", ACCEPTANCE)
    change = checks("Change strategies", CHANGE)
    observations = text("Observations")


NOTE_FORMS = {"efct": EFTNoteForm, "cbct": CBCTNoteForm, "integrative": IntegrativeNoteForm}


def note_form_class(template: str) -> type[NoteForm]:
    return NOTE_FORMS[template]


def display_pairs(template: str, answers: dict, couple) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(section heading, [(label, value), …]), …] for the filled-in answers, in template order."""
    form = NOTE_FORMS[template](formdata=None, data=answers or {}, couple=couple, meta={"csrf": False})
    out = []
    for heading, rows in form.sections:
        pairs = [(form[n].label.text, value) for row in rows for n in row if (value := _display_value(form[n]))]
        if pairs:
            out.append((heading, pairs))
    from clinic.sessions.note_legacy import LEGACY_HEADING, legacy_pairs  # the legacy module imports this one

    names = {p.position: p.name for p in couple.partners} if couple is not None else None
    if old := legacy_pairs(template, answers, names):
        out.append((LEGACY_HEADING, old))
    return out


def field_comparison(template: str, saved: dict, form, names: list[str], couple) -> list[dict]:
    """For a conflict page: each differing field's label, both versions as text and whether the two
    can be merged (free text can; a choice can't)."""
    other = NOTE_FORMS[template](formdata=None, data=saved or {}, couple=couple, meta={"csrf": False})
    return [
        {
            "name": name,
            "label": form[name].label.text,
            "saved": _display_value(other[name]),
            "mine": _display_value(form[name]),
            "mergeable": not isinstance(getattr(form[name], "choices", None), dict),
        }
        for name in names
    ]


def _display_value(field) -> str:
    data = field.data
    if data in (None, "", []):
        return ""
    choices = getattr(field, "choices", None)
    if isinstance(choices, dict):
        values = data if isinstance(data, list) else [data]
        return "; ".join(str(choices.get(v, v)) for v in values)
    return str(data)
