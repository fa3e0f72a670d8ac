import pytest
from django.core.management import CommandError, call_command

from gallery.services import migration_lock as release


class FakeMySQL:
    """A MySQL connection whose GET_LOCK answers `granted`; records the statements."""

    vendor = "mysql"

    def __init__(self, granted):
        self.granted = granted
        self.statements = []

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params):
        self.statements.append((sql.split("(")[0], params))

    def fetchone(self):
        return (self.granted,)


@pytest.mark.django_db
def test_migrate_once_applies_the_migrations_and_is_safe_to_repeat(capsys):
    call_command("migrate_once")
    call_command("migrate_once")

    assert "No migrations to apply." in capsys.readouterr().out


def test_the_lock_is_taken_before_and_released_after(monkeypatch):
    fake = FakeMySQL(granted=1)
    monkeypatch.setattr(release, "connection", fake)
    ran = []

    with release.database_lock("photoshare-migrate", 30):
        ran.append(list(fake.statements))

    assert ran == [[("SELECT GET_LOCK", ["photoshare-migrate", 30])]]
    assert fake.statements[-1] == ("SELECT RELEASE_LOCK", ["photoshare-migrate"])


@pytest.mark.parametrize("granted", [0, None])  # 0: timed out; NULL: an error (killed thread)
def test_a_lock_not_granted_fails_the_deploy_step_without_migrating(monkeypatch, granted):
    monkeypatch.setattr(release, "connection", FakeMySQL(granted))
    monkeypatch.setattr(release, "call_command", lambda *a, **k: pytest.fail("migrated without the lock"))

    with pytest.raises(CommandError, match="held the lock 'photoshare-migrate' for over 5 s"):
        call_command("migrate_once", "--timeout", "5")
