"""Test data factories. Every person here is fictional."""

import itertools
from dataclasses import dataclass, field
from datetime import date

from clinic.auth.models import User
from clinic.auth.passwords import hash_password
from clinic.couples.models import Couple, Partner
from clinic.extensions import db

PASSWORD = "violet-canyon-ferry-17"
_counter = itertools.count(1)


def make_user(role="therapist", *, name=None, email=None, is_admin=False, password=PASSWORD) -> User:
    n = next(_counter)
    user = User(
        role=role,
        name=name or f"Test {role.title()} {n}",
        email=email or f"{role}{n}@example.test",
        is_admin=is_admin,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_couple(therapist: User, *, name=None, model="efct", status="active", join=True) -> Couple:
    n = next(_counter)
    couple = Couple(
        therapist_id=therapist.id,
        display_name=name or f"Couple {n}",
        model=model,
        status=status,
        started_on=date(2026, 1, 5),
        presenting_concerns="Fictional concerns",
        confidentiality_policy="no_secrets",
    )
    for position, first in (("a", "Ari"), ("b", "Bea")):
        partner = Partner(
            position=position, name=f"{first} {n}", pronouns="they/them", email=f"{first.lower()}{n}@example.test"
        )
        if join:
            partner.user = make_user("client", name=partner.name, email=partner.email)
        couple.partners.append(partner)
    db.session.add(couple)
    db.session.flush()
    return couple


@dataclass
class World:
    therapist: User
    other_therapist: User
    admin: User
    couple: Couple
    other_couple: Couple
    extra: dict = field(default_factory=dict)  # objects other domains add for their tests

    @property
    def partner_a(self) -> User:
        return self.couple.partner("a").user

    @property
    def partner_b(self) -> User:
        return self.couple.partner("b").user

    @property
    def outsider(self) -> User:
        """A partner in another therapist's couple."""
        return self.other_couple.partner("a").user

    def actor(self, name: str) -> User | None:
        if name == "supervisor":  # made and linked by tests/supervision/access_spec.populate
            return self.extra.get("supervisor")
        return None if name == "anonymous" else getattr(self, name)


def build_world() -> World:
    therapist = make_user("therapist", name="Dr. Test Owner")
    other = make_user("therapist", name="Dr. Test Other")
    admin = make_user("admin", name="Admin Test", is_admin=True)
    return World(
        therapist=therapist,
        other_therapist=other,
        admin=admin,
        couple=make_couple(therapist, name="Owner Couple"),
        other_couple=make_couple(other, name="Other Couple"),
    )
