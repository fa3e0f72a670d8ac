"""Work every stack start repeats, done once per set of inputs: the static files collected, and an
accounts database migrated. The test session, the benches' stacks (bench/_stack.py) and their CI
smoke tests each paid both again (collectstatic ~2-5 s: WhiteNoise compresses every file; a
SQLite migrate ~1-2 s); now the first pays and the others reuse what it made.

Each result is stamped with a key over what it is made from (file contents, not times: a checkout
changes times), so a changed static file or migration is collected or migrated again. A lock file
keeps two processes (xdist workers, a bench beside a test run) from writing one result at once.
Needs django.setup() done; the database part, a SQLite database.
"""

import contextlib
import fcntl
import hashlib
import os
import shutil
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".collected"  # in STATIC_ROOT: the key of what it holds
LOCKS = ROOT / ".local"
MIGRATED = ROOT / ".local" / "migrated"  # <key>.sqlite3: migrated, empty databases


@contextlib.contextmanager
def _locked(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _digest(parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def static_key():
    """What collectstatic's output depends on: every file the finders list (path and bytes), the
    storage that post-processes them, STATIC_URL and Django's version."""
    from django.contrib.staticfiles.finders import get_finders

    files = {}
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            files.setdefault(os.path.join(prefix, path), storage.path(path))
    storage = settings.STORAGES["staticfiles"]
    parts = [django.get_version(), settings.STATIC_URL, repr(sorted(storage.items()))]
    for name in sorted(files):
        parts += [name, Path(files[name]).read_bytes()]
    return _digest(parts)


def collect_static():
    """collectstatic into STATIC_ROOT unless it already holds these inputs' output."""
    root = Path(settings.STATIC_ROOT)
    key = static_key()
    stamp = root / STAMP
    with _locked(LOCKS / "collectstatic.lock"):
        if stamp.exists() and stamp.read_text() == key:
            return False
        stamp.unlink(missing_ok=True)  # a collection cut short is never taken for a whole one
        # clear: collectstatic copies only files newer than its last copy, and the key is of bytes.
        call_command("collectstatic", interactive=False, clear=root.exists(), verbosity=0)
        stamp.write_text(key)
        return True


def migrations_key():
    """Every migration file of every installed app (ours and the packages'), and Django's version."""
    parts = [django.get_version()]
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            parts += [config.label, path.name, path.read_bytes()]
    return _digest(parts)


def migrated_sqlite(alias="default"):
    """The database of `alias` (a SQLite file not opened yet) as a copy of one migrated before with
    the same migrations, else migrated now and kept for the next."""
    database = settings.DATABASES[alias]
    assert database["ENGINE"] == "django.db.backends.sqlite3", database["ENGINE"]
    target = Path(database["NAME"])
    template = MIGRATED / f"{migrations_key()}.sqlite3"
    with _locked(MIGRATED / ".lock"):
        if template.exists():
            shutil.copyfile(template, target)
            return False
        call_command("migrate", database=alias, verbosity=0)
        connections[alias].close()  # everything on disk before the copy
        partial = template.with_suffix(".partial")
        shutil.copyfile(target, partial)
        partial.replace(template)
        return True
