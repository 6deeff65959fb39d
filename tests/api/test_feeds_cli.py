"""The command-line import and export a council's data team would use."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from directory.db import make_engine
from directory.feeds import main
from directory.models import AuditEntry, Service


def test_export_then_import_from_a_file(client, admin_headers, tmp_path, monkeypatch, fresh_database_url):
    exported = tmp_path / "feed.json"
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", fresh_database_url)
    assert main(["export", str(exported)]) == 0
    feed = json.loads(exported.read_text())
    assert feed["total_items"] >= 30

    rosa = next(s for s in feed["contents"] if s["name"] == "RoSA")
    rosa["description"] = "Changed in the council's spreadsheet export."
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps([rosa]))
    assert main(["import", str(edited), "--actor", "data-team@council.example"]) == 0
    assert client.get(f"/services/{rosa['id']}").json()["description"] == rosa["description"]

    engine = make_engine(fresh_database_url)
    with engine.connect() as connection:
        actors = connection.scalars(select(AuditEntry.actor)).all()
        total = connection.scalar(select(func.count(Service.id)))
    engine.dispose()
    assert actors == ["data-team@council.example"]
    assert total == feed["total_items"]


def test_a_broken_file_is_reported_and_changes_nothing(tmp_path, monkeypatch, fresh_database_url, capsys):
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", fresh_database_url)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"not": "a feed"}))
    assert main(["import", str(broken), "--actor", "someone"]) == 1
    assert "invalid_feed" in capsys.readouterr().err
