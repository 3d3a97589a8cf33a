"""The schema holds its own invariants: every foreign key is indexed and says what a delete does, and
the CHECK constraints the models declare exist in a database built by the migrations."""

from flask_migrate import upgrade
from sqlalchemy import CheckConstraint, UniqueConstraint, inspect

from clinic import create_app
from clinic.extensions import db


def _indexed_leads(table) -> set[tuple[str, ...]]:
    """Column tuples that the primary key, an index or a unique constraint starts with."""
    column_lists = [
        table.primary_key.columns,
        *(index.columns for index in table.indexes),
        *(c.columns for c in table.constraints if isinstance(c, UniqueConstraint)),
    ]
    leads: set[tuple[str, ...]] = set()
    for columns in column_lists:
        names = tuple(column.name for column in columns)
        leads |= {names[:n] for n in range(1, len(names) + 1)}
    return leads


def test_every_foreign_key_has_an_index(app):
    missing = []
    for table in db.metadata.sorted_tables:
        leads = _indexed_leads(table)
        for fk in table.foreign_key_constraints:
            columns = tuple(fk.column_keys)
            if columns not in leads:
                missing.append(f"{table.name}({', '.join(columns)})")
    assert missing == []


def test_every_foreign_key_says_what_a_delete_does(app):
    silent = [
        f"{table.name}.{fk.column_keys[0]}"
        for table in db.metadata.sorted_tables
        for fk in table.foreign_key_constraints
        if not fk.ondelete
    ]
    assert silent == []


def test_migrations_create_every_check_constraint_the_models_declare(tmp_path):
    declared = {
        (table.name, constraint.name)
        for table in db.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint) and constraint.name
    }
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/schema.sqlite3", "SECRET_KEY": "k" * 40})
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        built = {
            (table, check["name"])
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
        db.engine.dispose()
    assert declared, "the models declare CHECK constraints"
    assert declared - built == set()
