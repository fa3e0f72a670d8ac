"""Static files and a migrated database made once per set of inputs (devstack/prepared.py), and made
again when an input changes."""

from pathlib import Path

import pytest

from devstack import prepared


@pytest.fixture
def static(tmp_path, settings):
    """A site with one static file, collected without post-processing (fast)."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "site.css").write_text("body { color: black }")
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return source, tmp_path / "collected"


def test_static_files_are_collected_once_until_one_changes(static):
    source, collected = static

    assert prepared.collect_static() is True
    assert (collected / "site.css").read_text() == "body { color: black }"
    assert prepared.collect_static() is False  # the same files: nothing collected again

    (source / "site.css").write_text("body { color: red }")
    assert prepared.collect_static() is True
    assert (collected / "site.css").read_text() == "body { color: red }"


def test_a_collection_cut_short_is_collected_again(static, monkeypatch):
    _, collected = static

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(prepared, "call_command", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prepared.collect_static()
    monkeypatch.undo()

    assert prepared.collect_static() is True
    assert (collected / "site.css").exists()


class Migrations:
    """migrate, faked: writes the database file and counts the runs."""

    def __init__(self, settings):
        self.settings, self.runs = settings, 0

    def __call__(self, name, *, database, verbosity):
        assert name == "migrate"
        self.runs += 1
        Path(self.settings.DATABASES[database]["NAME"]).write_text(f"migrated #{self.runs}")


class NeverOpened:
    def close(self):
        pass


@pytest.fixture
def migrations(tmp_path, settings, monkeypatch):
    migrate = Migrations(settings)
    monkeypatch.setattr(prepared, "call_command", migrate)
    monkeypatch.setattr(prepared, "connections", {"bench": NeverOpened()})
    monkeypatch.setattr(prepared, "MIGRATED", tmp_path / "migrated")
    # In place (undone after): no connection is ever opened to it.
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "one.sqlite3")}
    monkeypatch.setitem(settings.DATABASES, "bench", database)
    return migrate


def test_a_database_is_migrated_once_and_copied_for_the_next(migrations, settings, tmp_path, monkeypatch):
    assert prepared.migrated_sqlite("bench") is True
    settings.DATABASES["bench"]["NAME"] = str(tmp_path / "two.sqlite3")

    assert prepared.migrated_sqlite("bench") is False
    assert (tmp_path / "two.sqlite3").read_text() == "migrated #1"  # a copy of the first
    assert migrations.runs == 1

    monkeypatch.setattr(prepared, "migrations_key", lambda: "a migration added")
    assert prepared.migrated_sqlite("bench") is True
    assert (tmp_path / "two.sqlite3").read_text() == "migrated #2"


def test_the_migrations_key_reads_every_app_migration():
    before = prepared.migrations_key()
    assert before == prepared.migrations_key()
    assert len(before) == 64
