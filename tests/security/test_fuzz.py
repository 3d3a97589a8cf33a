"""Hypothesis over every discovered form: odd text, huge text, empty, control characters, NUL, wrong types
and extra fields (therapist_id, signed_at, role, ...). 0 server errors; 0 changes to fields the form
does not own. Examples per form: CLINIC_FUZZ_EXAMPLES (default 8; e.g. 200 for a deep run)."""

import os
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clinic.core.models import SubmissionToken
from clinic.extensions import db
from tests.security.crawl import client_for, discover_post_forms, populate_everything, submit

EXAMPLES = int(os.environ.get("CLINIC_FUZZ_EXAMPLES", "8"))
# Columns an action route changes on purpose although its form has no field for them.
ACTION_OWNS = {
    "grant_admin": {"is_admin"},
    "remove_admin": {"is_admin"},
    "feed": {"token_hash"},  # turning the calendar feed on (again) makes a new secret address on purpose
}
PROTECTED = {
    "therapist_id",
    "couple_id",
    "partner_id",
    "author_id",
    "owner_id",
    "user_id",
    "signed_by_id",
    "signed_at",
    "role",
    "is_admin",
    "created_by_id",
    "assigned_by_id",
    "given_by_id",
    "recorded_by_id",
    "requested_by_id",
    "sent_by_id",
    "content_hash",
    "password_hash",
    "email",
    "token_hash",
}
OWNED_ELSEWHERE = {"password_hash"}  # changed on purpose by the password forms

FOREIGN_TOKEN = "foreign-used-form-token-0000000000"  # claimed by another therapist before the fuzzing

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\u202e\u200b",
            "\r\n\t",
            "\ud7ff\ue000\U0010ffff",
            "🙂" * 50,
            "-1",
            "0",
            "99999999999999999999",
            "2147483648",
            "9223372036854775808",
            FOREIGN_TOKEN,
            "1e309",
            "NaN",
            "null",
            "[]",
            "{}",
            "true",
            "2026-02-30",
            "../../etc/passwd",
            "%s%s%n",
        ]
    ),
    st.builds(lambda n: "x" * n, st.sampled_from([255, 256, 5001, 200_000])),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=5),
)


def _extra_fields(world):
    return st.dictionaries(
        st.sampled_from(
            [
                "therapist_id",
                "signed_at",
                "role",
                "is_admin",
                "couple_id",
                "partner_id",
                "author_id",
                "owner_id",
                "user_id",
                "signed_by_id",
                "id",
                "version",
                "content_hash",
                "email",
            ]
        ),
        st.sampled_from(
            [
                str(world.other_therapist.id),
                str(world.other_couple.id),
                "admin",
                "y",
                "1",
                "2001-01-01T00:00:00",
                str(world.outsider.id),
                "0",
                "-5",
            ]
        ),
        max_size=4,
    )


def _protected_snapshot():
    snapshot = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name in PROTECTED - OWNED_ELSEWHERE]
        if not columns or not table.primary_key.columns:
            continue
        pk = list(table.primary_key.columns)
        for row in db.session.execute(select(*pk, *columns)).all():
            snapshot[(table.name, tuple(row[: len(pk)]))] = dict(
                zip([c.name for c in columns], row[len(pk) :], strict=True)
            )
    return snapshot


def _changes(before, after, owned):
    found = []
    for key, values in before.items():
        now = after.get(key)
        if now is None:
            continue
        for column, value in values.items():
            if column in owned or now[column] == value:
                continue
            if column in ("signed_at", "signed_by_id", "content_hash") and value is None:
                continue  # a signing action fills these once; what matters is that nobody rewrites them
            found.append(f"{key[0]}{list(key[1])}.{column}: {value!r} -> {now[column]!r}")
    return found


def test_fuzz_every_form(app, world):
    populate_everything(world)
    db.session.add(SubmissionToken(token=FOREIGN_TOKEN, user_id=world.other_therapist.id, result_url="/"))
    db.session.commit()
    forms = discover_post_forms(app, world)
    statuses, errors, violations, examples = Counter(), [], [], Counter()
    extras = _extra_fields(world)
    for actor, form in forms:
        _fuzz_one(client_for(app, world, actor), actor, form, extras, statuses, errors, violations, examples)
    total = sum(examples.values())
    print(
        f"\nfuzz ({db.session.get_bind().dialect.name}): {len(forms)} forms × up to {EXAMPLES} examples = {total} "
        f"submissions; answers {dict(sorted(statuses.items()))}; server errors {len(errors)}; "
        f"changes to fields the form does not own {len(violations)}"
    )
    assert total > 0
    assert not errors, "\n".join(errors[:20])
    assert not violations, "\n".join(sorted(set(violations))[:20])


def _fuzz_one(client, actor, form, extras, statuses, errors, violations, examples):
    names = sorted({f.name for f in form.fields if f.name not in ("csrf_token",)})
    owned = set(names) | ACTION_OWNS.get(form.action.rstrip("/").rsplit("/", 1)[-1], set())
    value_for = st.fixed_dictionaries({n: st.one_of(st.just(form.defaults().get(n, "")), odd_text) for n in names})

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(values=value_for, extra=extras, drop=st.sets(st.sampled_from(names or ["-"]), max_size=2))
    def run(values, extra, drop):
        data = {k: v for k, v in values.items() if k not in drop} | {k: v for k, v in extra.items() if k not in owned}
        before = _protected_snapshot()
        response = submit(client, form, data)
        examples[actor, form.action] += 1
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            errors.append(f"{actor} POST {form.action}: {response.status_code} with {data!r}"[:400])
        after = _protected_snapshot()
        violations.extend(f"{actor} POST {form.action}: {c}" for c in _changes(before, after, owned))
        db.session.rollback()

    run()
