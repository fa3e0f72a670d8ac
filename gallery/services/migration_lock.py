"""What a deploy does to the accounts database once, however many instances boot at once.

Every instance of a release runs `manage.py migrate_once` at boot. On MySQL the first one takes a
named lock (GET_LOCK, held by its connection, freed if it dies) and migrates; the others wait for
the lock, then find nothing left to do. Without the lock two instances would both apply the same
migration and the second would fail on "table exists".
"""

from contextlib import contextmanager

from django.core.management import call_command
from django.db import connection

LOCK_NAME = "photoshare-migrate"


class LockTimeout(Exception):
    pass


@contextmanager
def database_lock(name, timeout):
    """Hold the database's named lock `name`; LockTimeout after `timeout` seconds of waiting.

    Only MySQL/MariaDB have one; SQLite (one local process) and others run unlocked.
    """
    if connection.vendor != "mysql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", [name, timeout])
        (granted,) = cursor.fetchone()
    if granted != 1:
        raise LockTimeout(f"another instance held the lock {name!r} for over {timeout} s")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", [name])


def migrate_once(*, timeout, stdout=None):
    """Apply the migrations and create the cache table, one instance at a time."""
    with database_lock(LOCK_NAME, timeout):
        call_command("migrate", interactive=False, verbosity=1, stdout=stdout)
        call_command("createcachetable", stdout=stdout)
