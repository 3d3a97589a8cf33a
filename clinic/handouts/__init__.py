"""Handouts: the library built from the article's strategies, giving, personalising and printing."""


def init_app(app) -> None:
    from clinic.demo import register_demo_seeder
    from clinic.handouts.services import latest_for_partner

    app.add_template_global(latest_for_partner, "handouts_for_today")
    register_demo_seeder(_seed_demo, order=60)


def _seed_demo(practice) -> None:
    """Give the demo EFCT couple one handout, so both portals show something from the start."""
    from clinic.handouts.library import get_builtin
    from clinic.handouts.services import give_handout

    couple = practice.couples["efct"]
    give_handout(
        couple,
        get_builtin("understanding-abandonment-fears"),
        "Alex and Jordan: read this before our next session, and mark one trigger that sounds "
        "familiar. (Fictional demo note.)",
        practice.therapist,
    )
