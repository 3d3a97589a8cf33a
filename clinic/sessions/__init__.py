"""Therapy sessions and their notes: EFT, CBCT and integrative progress notes, process notes, the course."""


def init_app(app):
    from clinic.couples.caseload import register_caseload_provider
    from clinic.demo import register_demo_seeder
    from clinic.sessions.caseload import sessions_caseload
    from clinic.sessions.demo import seed_sessions

    register_caseload_provider(sessions_caseload, order=10)
    register_demo_seeder(seed_sessions, order=20)
