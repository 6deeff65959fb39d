"""Alembic's migrations produce exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from directory.db import Base, make_engine
from directory.migrate import upgrade_to_head


def test_migrations_match_the_models(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade_to_head(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_constraint_names_follow_the_convention(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade_to_head(engine)
    inspector = inspect(engine)
    foreign_keys = [fk["name"] for fk in inspector.get_foreign_keys("phone")]
    assert "fk_phone_service_id_service" in foreign_keys
    assert inspector.get_pk_constraint("service")["name"] in ("pk_service", None)  # SQLite does not name PKs
    engine.dispose()


def test_upgrading_twice_is_harmless(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    assert "directory_revision" in inspect(engine).get_table_names()
    engine.dispose()
