"""List pages side by side: photoshare's home page against django-photologue's photo list, the same
number of cards (24), the same gunicorn (2 sync workers) and load generator, interleaved rounds.

    .venv/bin/python bench/list_peers.py [--rounds 5] [--seconds 4] [--quick] [--force]
    (refuses to record above a load average of 1.5, or without wrk: apt-get install wrk)

photologue 3.20 needs Django < 6.1, so it runs from a venv of its own, made on first use in
.local/bench-photologue from bench/peer-requirements.txt (PyPI; remade when that file changes).

photologue runs its own default way in a scratch Django project made in a temporary directory:
SQLite, local file storage, its `PhotoListView` at /photos/ (`paginate_by=24` instead of its 20, for
the same number of cards), thumbnails made once before measuring. photoshare runs with the page's
DynamoDB Query recorded once and replayed (bench/instrument.py: botocore still builds, signs and
parses it), so both sides are measured without the wait on a database server. Rounds alternate
A B A B; medians are printed, with the load average and the versions. Last row: photoshare's
/hello/ view through the same middleware and gunicorn, the ceiling of any page's requests/s.
"""

import argparse
import hashlib
import importlib.metadata
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

from _common import machine, refuse_if_loaded, table
from _stack import Client, Stack
from gallery_page import driver, load, seed, server_side

from devstack.gunicorn_site import GunicornSite

CARDS = 24
PHOTOS = 100
ROOT = Path(__file__).resolve().parent.parent
PEER_REQUIREMENTS = ROOT / "bench" / "peer-requirements.txt"
PEER_VENV = ROOT / ".local" / "bench-photologue"
# The list page cache (gallery/storage/dynamodb/listcache.py) needs a shared cache; its keys carry a
# prefix of this run's own and expire by themselves (nothing is flushed).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CACHED = "photoshare home page, list pages in Redis"
# As deployed (deploy/instance/configure_env.py): PHOTOSHARE_LIST_GENERATION_SECONDS=1, the generation
# trusted for 1 s (a browser's own writes still show at once: gallery/web/list_writes.py), no round trip
# to Redis on a page the process has seen (another instance's write shows within 1 s).
TRUSTED = "photoshare home page, list pages in Redis, generation trusted 1 s (as deployed)"
PHOTO_PAGE, PEER_PHOTO_PAGE = "photoshare photo page", "photologue PhotoDetailView"
CACHED_PHOTO_PAGE = "photoshare photo page, list pages in Redis"  # its previous/next from the cache
PEER_PHOTO = "/photologue/photo/photo-0/"
API_LIST = "photoshare API list (GET /api/photos/)"
# The ceiling: a hello-world view through the same middleware and gunicorn, no backend, no template.
HELLO = "photoshare hello-world view (ceiling)"
# Issue 26: the home page without and with the list cache as deployed, the photo page against
# photologue's detail. The CACHED row (the setting's strict default, one Redis round trip a page
# against a DynamoDB Query this bench replays for ~65 µs) is shown beside it, without a goal.
GOALS = {"photoshare home page": 2.0, TRUSTED: 2.5, PHOTO_PAGE: 2.0}

SETTINGS = """
from pathlib import Path
BASE = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-scratch-project"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.sites",
    "sortedm2m", "photologue",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "photologue_bench.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE / "db.sqlite3"}}
SITE_ID = 1
MEDIA_ROOT = BASE / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""

URLS = """
from django.urls import include, path
from photologue.views import PhotoListView

urlpatterns = [
    path("photos/", PhotoListView.as_view(paginate_by=24), name="bench-photo-list"),
    path("photologue/", include("photologue.urls", namespace="photologue")),
]
"""

WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "photologue_bench.settings")
application = get_wsgi_application()
"""

BASE_TEMPLATE = """<!doctype html><html><head><title>{% block title %}{% endblock %}</title></head>
<body>{% block content %}{% endblock %}</body></html>
"""

SEED = """
import io, sys
import django
django.setup()
from django.core.files.base import ContentFile
from photologue.models import Photo
from PIL import Image
count = int(sys.argv[1])
for number in range(count):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (number % 255, 90, 40)).save(buffer, format="JPEG", quality=90)
    photo = Photo(title=f"Photo {number}", slug=f"photo-{number}", is_public=True)
    photo.image.save(f"photo-{number}.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
"""


def peer_python(make=True):
    """The peer venv's python, made (or remade after bench/peer-requirements.txt changed) if asked."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / "requirements.sha256"
    wanted = hashlib.sha256(PEER_REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if not make:
        return None
    print(f"Making the peer venv {PEER_VENV.relative_to(ROOT)} (bench/peer-requirements.txt) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(PEER_REQUIREMENTS)], check=True)
    stamp.write_text(wanted)
    return python


def peer_versions(python):
    script = "import importlib.metadata as m; print(m.version('django-photologue'), m.version('Django'))"
    return subprocess.run([python, "-c", script], check=True, capture_output=True, text=True).stdout.split()


def scratch_photologue(directory, python):
    """The scratch project, migrated and seeded; returns the environment gunicorn needs."""
    package = directory / "photologue_bench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(textwrap.dedent(SETTINGS))
    (package / "urls.py").write_text(textwrap.dedent(URLS))
    (package / "wsgi.py").write_text(textwrap.dedent(WSGI))
    (directory / "templates").mkdir()
    (directory / "templates" / "base.html").write_text(BASE_TEMPLATE)
    (directory / "seed.py").write_text(SEED)
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(DJANGO_SETTINGS_MODULE="photologue_bench.settings", PYTHONPATH=str(directory))
    run = {"env": env, "cwd": directory, "check": True, "capture_output": True}
    subprocess.run([python, "-m", "django", "migrate", "--verbosity", "0"], **run)
    subprocess.run([python, str(directory / "seed.py"), str(PHOTOS)], **run)
    return env


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="A B rounds (medians are printed)")
    parser.add_argument("--seconds", type=int, default=4, help="load per side and round")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 s (< 60 s); runs at any load")
    parser.add_argument("--force", action="store_true", help="run above a load average of 1.5 (not a record)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds = 2, 2
    refuse_if_loaded(args.quick or args.force)
    if not shutil.which("wrk") and not (args.quick or args.force):
        # The Python client takes a core from the two servers and sends one request at a time: the
        # same quiet machine gave the photo page 2.12x with wrk and 1.56x without (docs/benchmarks.md).
        sys.exit("wrk is not installed (apt-get install wrk): figures would not be worth recording (--force)")
    python = peer_python()
    version, peer_django = peer_versions(python)
    print(f"Machine: {machine()}; Python {sys.version.split()[0]}")
    print(f"Command: bench/list_peers.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    print(f"Load generator: {driver(args.connections)}; gunicorn: 2 sync workers a side")
    versions = {name: importlib.metadata.version(name) for name in ("Django", "gunicorn", "boto3", "moto")}
    print("Versions:", ", ".join(f"{name} {number}" for name, number in versions.items()), end="")
    print(f", django-photologue {version} (Django {peer_django}, {PEER_VENV.relative_to(ROOT)})")

    os.environ["BENCH_REPLAY_DYNAMODB_QUERY"] = "1"
    cached = trusted = None
    with Stack() as stack, tempfile.TemporaryDirectory(prefix="photologue-bench-") as scratch:
        seed(stack, 0, PHOTOS)
        ours = stack.serve(workers=2)
        _, our_code_ms, calls, cards, _ = server_side(Client(ours), "/")
        if redis_reachable(REDIS_URL):
            # As deployed with ElastiCache: list pages kept in Redis until the next write.
            cached_env = dict(os.environ, PHOTOSHARE_LIST_CACHE_URL=REDIS_URL,
                              DJANGO_CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")  # fmt: skip
            cached = GunicornSite(cached_env, workers=2, log=stack.directory / "gunicorn-cached.log")
            cached.start()
            trusted_env = dict(cached_env, PHOTOSHARE_LIST_GENERATION_SECONDS="1")
            trusted = GunicornSite(trusted_env, workers=2, log=stack.directory / "gunicorn-trusted.log")
            trusted.start()
        env = scratch_photologue(Path(scratch), python)
        peer = GunicornSite(env, workers=2, wsgi="photologue_bench.wsgi", log=Path(scratch) / "gunicorn.log",
                            extra_args=["--pythonpath", scratch], python=python)  # fmt: skip
        peer.start(ready_path="/photos/")  # the first view also makes the 24 thumbnails
        try:
            _, body = Client(peer).request("GET", "/photos/")
            peer_cards = body.count(b'class="img-thumbnail"')
            assert (cards, peer_cards) == (CARDS, CARDS), f"cards: ours {cards}, photologue {peer_cards}"
            # A photo page as a visitor opens it from the gallery (previous/next in the feed).
            photo_path = f"/photos/{newest_photo_id()}/?from=feed"
            our_photo_ms = server_side(Client(ours), photo_path)[1]
            our_api_ms = server_side(Client(ours), "/api/photos/")[1]
            our_hello_ms = server_side(Client(ours), "/hello/")[1]
            if cached:  # warmed as `ours` was: templates loaded, caches filled, in both workers
                for path in ("/", photo_path):
                    server_side(Client(cached), path)
                server_side(Client(trusted), "/")
            Client(peer).request("GET", PEER_PHOTO)  # makes its display size once
            sides = {"photoshare home page": f"{ours.url}/"}
            if cached:
                sides[CACHED] = f"{cached.url}/"
                sides[TRUSTED] = f"{trusted.url}/"
            sides |= {
                "photologue PhotoListView": f"{peer.url}/photos/",
                PHOTO_PAGE: f"{ours.url}{photo_path}",
                **({CACHED_PHOTO_PAGE: f"{cached.url}{photo_path}"} if cached else {}),
                PEER_PHOTO_PAGE: f"{peer.url}{PEER_PHOTO}",
                API_LIST: f"{ours.url}/api/photos/",
                HELLO: f"{ours.url}/hello/",
            }
            results = {name: [] for name in sides}
            for _ in range(args.rounds):
                for name, url in sides.items():
                    results[name].append(load(url, args.seconds, args.connections))
        finally:
            peer.stop()
            if cached:
                cached.stop()
                trusted.stop()
    print(f"Load average after: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    medians = {
        name: {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50")}
        for name, runs in results.items()
    }
    peer_rps = medians["photologue PhotoListView"]["rps"]
    peer_photo_rps = medians[PEER_PHOTO_PAGE]["rps"]

    def versus(name):
        if name in (PHOTO_PAGE, CACHED_PHOTO_PAGE, PEER_PHOTO_PAGE):
            return f"{medians[name]['rps'] / peer_photo_rps:.2f} (photo page)"
        return "-" if name == API_LIST else f"{medians[name]['rps'] / peer_rps:.2f}"

    print(f"\n## {CARDS} cards a page, {args.rounds} interleaved rounds of {args.seconds} s, medians\n")
    print(
        table(
            ["page", "requests/s", "latency p50 ms", "÷ photologue requests/s", "per round (requests/s)"],
            [
                [name, f"{figure['rps']:.0f}", f"{figure['p50']:.1f}", versus(name),
                 " ".join(f"{run['rps']:.0f}" for run in results[name])]
                for name, figure in medians.items()
            ],
        )
    )  # fmt: skip
    print(f"\nphotoshare photo page: our code {our_photo_ms:.1f} ms; API list: {our_api_ms:.1f} ms", end="")
    print(f"; hello-world view: {our_hello_ms:.1f} ms")
    calls_text = ", ".join(f"{name} {count}" for name, count in calls.items())
    print(f"\nphotoshare: our code {our_code_ms:.1f} ms a page (server time less moto), calls {calls_text}")
    for name, goal in GOALS.items():
        if name in medians:
            ratio = medians[name]["rps"] / (peer_photo_rps if name == PHOTO_PAGE else peer_rps)
            verdict = "met" if ratio >= goal else "missed"
            print(f"Goal ≥ {goal}× photologue's requests/s, {name}: {ratio:.2f}× ({verdict})")
    if not cached:
        print(f"(no Redis at {REDIS_URL}: the list page cache was not measured)")


def newest_photo_id():
    from gallery.domain.lists import FEED
    from gallery.storage.dynamodb import photo_repository

    return photo_repository().list_page(FEED, limit=1).items[0].id


def redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


if __name__ == "__main__":
    main()
