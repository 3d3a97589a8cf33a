"""Planned interventions offered for each couple model (EFT stages and steps, CBCT modules, IBCT strategies),
and the measures an objective may name."""

from clinic.sessions.completeness import STEP_STAGE
from clinic.sessions.note_forms import ACCEPTANCE, CBCT_MODULES, CHANGE, EFT_STEPS

_STAGE_NAMES = {"1": "Stage 1 (de-escalation)", "2": "Stage 2 (restructuring)", "3": "Stage 3 (consolidation)"}

INTERVENTIONS = {
    "efct": {f"eft_step_{n}": f"EFT {_STAGE_NAMES[STEP_STAGE[n]]} · step {text}" for n, text in EFT_STEPS.items()},
    "cbct": {f"cbct_{key}": f"CBCT · {text}" for key, text in CBCT_MODULES.items()},
    "integrative": {
        **{f"ibct_{key}": f"IBCT acceptance · {text}" for key, text in ACCEPTANCE.items()},
        **{f"ibct_{key}": f"IBCT change · {text}" for key, text in CHANGE.items()},
    },
}
ALL_INTERVENTIONS = {key: text for group in INTERVENTIONS.values() for key, text in group.items()}

# An objective may be tied to a measure: "CSI-4 at or above N for both partners".
MEASURES = {"csi4": "CSI-4 (relationship satisfaction), both partners at or above"}
MEASURE_RANGE = {"csi4": (0, 21)}


def choices_for(model: str) -> dict[str, str]:
    """The couple's own model first; every other model's interventions stay available (integrative work)."""
    own = INTERVENTIONS.get(model, {})
    return {**own, **{k: v for k, v in ALL_INTERVENTIONS.items() if k not in own}}
