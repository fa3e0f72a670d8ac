"""The user data run for real on this machine: a rehearsal of the first boot on EC2. Its bootstrap,
read from deploy/cloudformation.yaml, fetches the working tree (as a pinned commit) and runs its
deploy/instance/deploy.sh.

Stand-ins only for what cannot exist here (rehearsal/harness.py lists every difference): dnf,
systemd and cfn-signal, and moto for AWS, including the instance metadata service that hands out
the role's credentials. The virtualenv, gunicorn, nginx and MariaDB are real.

- Topology=single: one instance with its own Redis (AL2023's redis6; here the machine's, database
  5); a user signs up, confirms the address by the link SES (moto) was given to mail, logs in and
  uploads a photo through nginx, a second run must leave everything as the first left it, and 40
  concurrent bad logins let exactly the limit through (issue 16).
- Topology=scaled: two instances boot at once against one database, one Redis and one moto,
  behind a load balancer (an nginx of the harness): migrations run once, sign-up, confirmation,
  sessions and rate limits hold across both, and killing one's gunicorn mid-stream fails no
  request that was not in flight on it.

Both need Redis on 127.0.0.1:6379 (its database 5, only this run's keys touched).

Needs root, nginx, pyenv's Python 3.12 (AL2023's python3.12: the rehearsal's dnf copies it to
/opt/python3.12), MariaDB on 127.0.0.1:3306 (an account that may create users:
PHOTOSHARE_REHEARSAL_DB_USER/_PASSWORD, which .ci/run sets; root by default) and PyPI (or the
machine's pip mirror); skips with the reason when one is missing. About a minute (a minute and a
half while pip's cache is cold). PHOTOSHARE_REHEARSAL_KEEP=1 keeps the stage in /tmp to look at.
"""

import email.utils
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter

import pytest

from deploy.tests.rehearsal.harness import (
    APP_USER,
    MAIL_FROM,
    MAX_UPLOAD_BYTES,
    PUBLIC_IP,
    REDIS_URL,
    REGION,
    SCALED,
    STACK,
    Pair,
    Rehearsal,
    host_lock,
    missing_requirements,
)
from deploy.tests.rehearsal.site import Site
from gallery.tests.factories import image_bytes

pytestmark = pytest.mark.rehearsal

HEALTHY = {"database": "ok", "s3": "ok", "dynamodb": "ok"}
LOGIN_LIMIT = 10  # PHOTOSHARE_LOGIN_RATE's default (10/5m), which the env file leaves as it is
STREAM = 200  # sequential GETs while one instance is killed
KILL_AFTER = 60  # answers before the kill
CONCURRENT_LOGINS = 40  # issue 16: with the database cache, 14-17 of them got through a limit of 10
CACHES = ("DJANGO_CACHE_URL", "PHOTOSHARE_MEDIA_URL_CACHE_URL", "PHOTOSHARE_LIST_CACHE_URL")
USERNAME, ADDRESS = "rehearsal", "rehearsal@example.com"
ACCOUNT_PAGE = "/accounts/email/"  # the signed-in user's own page (/accounts/ redirects to it)
# allauth's answers to a login POST: the form again, with one of these, or its 429 past 30 login
# POSTs a minute per IP (docs/security.md).
NOT_CORRECT = "The username and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


@pytest.fixture
def rehearsal():
    missing = missing_requirements()
    if missing:
        pytest.skip("the rehearsal needs what this machine lacks: " + "; ".join(missing))
    with host_lock():
        stage = Rehearsal()
        try:
            stage.set_up()
            yield stage
        finally:
            stage.clean_up()


@pytest.fixture
def pair():
    missing = missing_requirements()
    if missing:
        pytest.skip("the two-instance rehearsal needs what this machine lacks: " + "; ".join(missing))
    with host_lock():
        stage = Pair()
        try:
            stage.set_up()
            yield stage
        finally:
            stage.clean_up()


def test_userdata_serves_photoshare_and_a_second_run_changes_nothing(rehearsal):
    first = rehearsal.run()
    assert first.returncode == 0, rehearsal.diagnostics()
    assert_deployed(rehearsal)
    assert_caches_in_redis(rehearsal, REDIS_URL, local=True)
    site = Site(rehearsal.port, PUBLIC_IP)
    assert_healthy(site)
    assert_nginx_serves_static_files_itself(rehearsal, site)
    assert site.announce_body("/upload/", MAX_UPLOAD_BYTES + 2 * 1024 * 1024).status == 413
    password = sign_up_and_confirm(rehearsal, site, f"http://{PUBLIC_IP}")
    site = log_in(Site(rehearsal.port, PUBLIC_IP), password)  # another browser: the password works
    first_photo = upload(site, "Harbour at dusk")
    # The list cache as deployed trusts its generation for 1 s: a write tells its browser (issue 26).
    assert "lists_written" in site.cookies
    before = rehearsal.snapshot()

    second = rehearsal.run()

    assert second.returncode == 0, rehearsal.diagnostics()
    assert "is already built" in second.output
    assert rehearsal.snapshot() == before
    assert_deployed(rehearsal)
    assert_healthy(site)
    assert "Harbour at dusk" in site.get(first_photo).text
    assert "Boats" in site.get(upload(site, "Boats")).text
    assert_no_secret_in_any_log(rehearsal)
    # Two starts and a stop of gunicorn, none with an error (its control socket logged one).
    assert "[ERROR]" not in rehearsal.path("var/log/photoshare/app.log").read_text()
    assert_manage_wrapper_works(rehearsal)
    logins = assert_concurrent_bad_logins_stop_at_the_limit(rehearsal)
    print(f"rehearsal: first run {first.seconds:.0f}s, second run {second.seconds:.0f}s; {logins}")


def test_two_instances_boot_at_once_and_serve_as_one_site_even_when_one_is_killed(pair):
    started = time.monotonic()
    runs = pair.boot()
    boot_seconds = time.monotonic() - started
    for instance, run in zip(pair.instances, runs, strict=True):
        assert run.returncode == 0, instance.diagnostics()
        assert_deployed(instance, resource=SCALED["SignalledResource"])
        assert_no_secret_in_any_log(instance)
        assert_caches_in_redis(instance, SCALED["CacheUrl"], local=False)
        assert "PHOTOSHARE_LOGIN_RATE" not in instance.path("etc/photoshare/env").read_text()
    migrations = assert_migrated_once(pair, runs)
    pair.balancer.start()
    site = Site(pair.port, SCALED["Hosts"], scheme="https")
    for instance in pair.instances:  # each one's own nginx, as the load balancer's health check
        assert_healthy(Site(instance.port, SCALED["Hosts"]))
    served = Counter(pair.name(site.get("/healthz/live").headers["x-rehearsal-upstream"]) for _ in range(2))
    assert served == {"a": 1, "b": 1}

    sessions = assert_sessions_hold_on_both(pair, site)
    limited = assert_login_limit_is_shared(pair)
    kill = assert_killing_one_fails_only_requests_in_flight_on_it(pair, site)
    print(
        f"rehearsal (two instances): both booted in {boot_seconds:.0f}s (a {runs[0].seconds:.0f}s, "
        f"b {runs[1].seconds:.0f}s); {migrations} migrations applied once, both seen waiting for the "
        f"lock; sessions: {sessions}; bad logins: {limited}; kill: {kill}"
    )


def assert_caches_in_redis(instance, url, local):
    """The rate limits, media URLs and list pages in one Redis: the instance's own (redis6 installed
    and enabled; `url` stands for 127.0.0.1:6379/0) or the stack's (no redis6 on the instance)."""
    env_file = instance.path("etc/photoshare/env").read_text()
    settings = dict(line.split("=", 1) for line in env_file.splitlines())
    assert {name: settings[name] for name in CACHES} == dict.fromkeys(CACHES, f"'{url}'")
    installed = instance.path("var/log/dnf-rehearsal.log").read_text().split()
    assert ("redis6" in installed) is local
    assert (instance.systemctl("is-enabled", "redis6.service").returncode == 0) is local
    assert (instance.systemctl("is-active", "redis6.service").returncode == 0) is local


def assert_concurrent_bad_logins_stop_at_the_limit(rehearsal):
    """Issue 16: 40 bad logins at once, from one address (for 40 usernames, so that only the
    address's counter limits them): counted in Redis (allauth's count under a lock per key, whose
    SET NX is atomic there), exactly the limit gets its password checked ("not correct"); the rest
    are refused, with the form ("too many") or, past allauth's 30 login POSTs a minute, a 429."""
    clients = [Site(rehearsal.port, PUBLIC_IP) for _ in range(CONCURRENT_LOGINS)]
    tokens = [client.csrf_token("/accounts/login/") for client in clients]
    start = threading.Barrier(CONCURRENT_LOGINS)
    outcomes = [None] * CONCURRENT_LOGINS

    def attempt(number):
        start.wait()
        fields = {"login": f"nobody{number}", "password": "not-the-password"}
        try:
            response = clients[number].post_form("/accounts/login/", fields, token=tokens[number])
            outcomes[number] = login_outcome(response)
        except Exception as error:
            outcomes[number] = repr(error)

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(CONCURRENT_LOGINS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counted = Counter(outcomes)
    assert counted["not correct"] == LOGIN_LIMIT, outcomes
    assert set(counted) <= {"not correct", "too many", 429}, outcomes
    prefix = rehearsal.cache_prefix.encode() + b":"
    assert any(key.startswith(prefix) for key in rehearsal.redis_keys())  # counted in Redis
    return (
        f"{CONCURRENT_LOGINS} concurrent bad logins, {LOGIN_LIMIT} let through (the limit), "
        f"{counted['too many']} refused by the form, {counted[429]} by the 429 of login POSTs"
    )


def login_outcome(response):
    """What a login POST's answer says: "not correct", "too many", 429, or what else it was."""
    if response.status == 429:
        return 429
    if response.status == 200 and NOT_CORRECT in response.text:
        return "not correct"
    if response.status == 200 and TOO_MANY in response.text:
        return "too many"
    return (response.status, response.text[:300])


def assert_migrated_once(pair, runs):
    """Both waited for the lock at once; one applied every migration, the other none."""
    assert pair.migrations_waited, "the two instances were not seen waiting for the migration lock at once"
    applied = [re.findall(r"^\s*Applying (\S+)\.\.\.\s+OK$", run.output, re.MULTILINE) for run in runs]
    assert sorted(map(len, applied))[0] == 0, applied
    assert sum(map(bool, applied)) == 1, "\n----\n".join(run.output[-3000:] for run in runs)
    (migrated,) = [run for run, names in zip(runs, applied, strict=True) if names]
    (other,) = [run for run in runs if run is not migrated]
    assert "No migrations to apply." in other.output
    rows, distinct = pair.migrations()
    assert rows == distinct == len(max(applied, key=len)), (rows, distinct)  # no migration twice
    return rows


def assert_sessions_hold_on_both(pair, site):
    """Sign up and confirm through the load balancer (each form from one instance, its POST to the
    other; the link in the mail opens on either), log in from another browser, then its session
    and the photo hold on both."""
    password = sign_up_and_confirm(pair.a, site, f"https://{SCALED['Hosts']}")
    site = log_in(Site(pair.port, SCALED["Hosts"], scheme="https"), password)  # another browser
    served = Counter()
    for _ in range(4):
        page = site.get(ACCOUNT_PAGE)
        assert page.status == 200 and f">{USERNAME}</a>" in page.text, (page.status, page.text[:500])
        served[pair.name(page.headers["x-rehearsal-upstream"])] += 1
    assert served == {"a": 2, "b": 2}
    photo = upload(site, "Harbour at dusk")
    for _ in range(2):
        page = site.get(photo)
        assert page.status == 200 and "Harbour at dusk" in page.text
        served[pair.name(page.headers["x-rehearsal-upstream"])] += 1
    assert served == {"a": 3, "b": 3}
    return (
        f"signed up, confirmed, signed in on both ({dict(served)} pages per instance), "
        "the photo shown by both"
    )


def assert_login_limit_is_shared(pair):
    """Bad logins alternate between the instances; the limit counts them all once (Redis)."""
    stranger = Site(pair.port, SCALED["Hosts"], scheme="https")
    token = stranger.csrf_token("/accounts/login/")
    outcomes = []
    for _ in range(LOGIN_LIMIT + 6):
        response = stranger.post_form(
            "/accounts/login/", {"login": USERNAME, "password": "not-the-password"}, token=token
        )
        outcomes.append((login_outcome(response), pair.name(response.headers["x-rehearsal-upstream"])))
    allowed = [where for outcome, where in outcomes if outcome == "not correct"]
    assert [outcome for outcome, _ in outcomes] == ["not correct"] * LOGIN_LIMIT + ["too many"] * 6, outcomes
    assert Counter(allowed) == {"a": LOGIN_LIMIT // 2, "b": LOGIN_LIMIT // 2}
    assert {where for outcome, where in outcomes if outcome == "too many"} == {"a", "b"}
    assert any(key.startswith(pair.prefix.encode() + b":") for key in pair.redis_keys())  # counted in Redis
    return (
        f"{len(outcomes)} sent alternating, {len(allowed)} let through (the limit), "
        f"then the form's {TOO_MANY!r} from both"
    )


def assert_killing_one_fails_only_requests_in_flight_on_it(pair, site):
    """SIGKILL instance a's gunicorn (master and workers) amid sequential GETs through the load
    balancer. A request was in flight at the kill if it was sent before and answered after it;
    only those may fail. The load balancer sends the rest to b: at once where a's nginx answers
    502 (retried, X-Rehearsal-Upstream names both; the request in flight on a too, as a GET),
    then straight to b while a is marked down."""
    gunicorn = pair.a.main_pid("photoshare.service")
    results = []  # (sent, answered, status or the error, upstreams)
    killed = []
    streamed = threading.Event()

    def kill():
        # Just after an answer from b the next request goes to a (round robin): kill amid it.
        while len(results) < KILL_AFTER or results[-1][3][-1:] != ["b"]:
            if streamed.is_set():
                return  # never answered by b: the assertions below say so
            time.sleep(0.0005)
        time.sleep(0.005)
        killed.append(time.time())
        os.killpg(gunicorn, signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    for number in range(STREAM):
        sent = time.time()
        try:
            response = site.get(ACCOUNT_PAGE if number % 2 else "/")
            outcome = response.status
            if outcome == 200 and f">{USERNAME}</a>" not in response.text:
                outcome = "200 but signed out"
            addresses = response.headers["x-rehearsal-upstream"].split(", ")
            upstreams = [pair.name(address) for address in addresses]
        except Exception as error:  # a refused or broken connection to the load balancer
            outcome, upstreams = repr(error), []
        results.append((sent, time.time(), outcome, upstreams))
    streamed.set()
    killer.join()
    assert killed, f"no answer from b after the first {KILL_AFTER}: {results[KILL_AFTER:][:5]}"
    (killed_at,) = killed
    assert pair.a.systemctl("is-active", "photoshare.service").returncode != 0  # a's gunicorn is gone

    in_flight = [result for result in results if result[0] <= killed_at <= result[1]]
    failed = [result for result in results if result[2] != 200]
    assert all(result in in_flight for result in failed), failed
    assert len(in_flight) <= 1  # sequential
    before = [result for result in results if result[1] < killed_at]
    after = [result for result in results if result[0] > killed_at]
    assert {upstreams[0] for *_, upstreams in before} == {"a", "b"}
    assert all(upstreams[-1] == "b" for *_, upstreams in after), after
    retried = [result for result in results if len(result[3]) == 2]
    assert all(result[3] == ["a", "b"] for result in retried)
    where = f" (sent to {in_flight[0][3][0]})" if in_flight and in_flight[0][3] else ""
    return (
        f"{len(results)} GETs, {len(failed)} failed, {len(in_flight)} in flight at the kill{where}, "
        f"{len(retried)} retried on b after a's 502, {len(after)} answered after the kill"
    )


def assert_deployed(rehearsal, resource="WebServer"):
    log = rehearsal.path("var/log/photoshare-userdata.log").read_text().strip().splitlines()
    assert "photoshare-deploy: SUCCESS: release" in log[-1], rehearsal.diagnostics()

    env_file = rehearsal.path("etc/photoshare/env")
    info = env_file.stat()
    assert oct(info.st_mode & 0o777) == "0o600"
    account = pwd.getpwnam(APP_USER)
    assert (info.st_uid, info.st_gid) == (account.pw_uid, account.pw_gid)
    settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert settings["DATABASE_URL"].startswith(f"'mysql://{rehearsal.db_name}:")  # the app's account
    assert "AWS_ACCESS_KEY_ID" not in settings  # credentials come from the instance metadata only
    # nginx's limit is Django's DATA_UPLOAD_MAX_MEMORY_SIZE for the stack's MaxUploadBytes.
    nginx_conf = rehearsal.path("etc/nginx/nginx.conf").read_text()
    assert f"client_max_body_size {MAX_UPLOAD_BYTES + 1024 * 1024};" in nginx_conf

    for unit in ("photoshare.service", "nginx.service"):
        assert rehearsal.systemctl("is-active", unit).returncode == 0, rehearsal.diagnostics()
        assert rehearsal.systemctl("is-enabled", unit).returncode == 0
    gunicorn = rehearsal.main_pid("photoshare.service")
    assert os.stat(f"/proc/{gunicorn}").st_uid == account.pw_uid  # gunicorn runs as the app user

    packages = rehearsal.path("var/log/dnf-rehearsal.log").read_text().splitlines()
    assert packages and all(line.startswith("install -y") for line in packages)
    signals = rehearsal.path("var/log/cfn-signal-rehearsal.log").read_text().splitlines()
    assert signals == [f"success=true stack={STACK} resource={resource} region={REGION}"]
    # The bootstrap, kept by deploy.sh for later deploys; nothing left of the fetch.
    deploy_command = rehearsal.path("usr/local/sbin/photoshare-deploy")
    assert deploy_command.read_bytes() == rehearsal.part.read_bytes()
    assert oct(deploy_command.stat().st_mode & 0o777) == "0o700"
    releases = os.listdir(rehearsal.path("opt/photoshare/releases"))
    assert releases and not [name for name in releases if name.startswith(".")], releases


def assert_healthy(site):
    response = site.get("/healthz")
    assert (response.status, json.loads(response.body)) == (200, HEALTHY)


def assert_nginx_serves_static_files_itself(rehearsal, site):
    page = site.get("/")
    assert page.status == 200, page.text[:1000]
    path = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)
    response = site.get(path)
    assert response.status == 200
    assert "max-age=315360000" in response.headers["cache-control"]
    gunicorn_log = rehearsal.path("var/log/photoshare/app.log").read_text()  # what CloudWatch gets
    assert "GET /healthz" in gunicorn_log and path not in gunicorn_log, "static file served by gunicorn"


def sign_up_and_confirm(stage, site, origin):
    """Sign up in `site`, then follow the link of the mail SES was given, as its reader does (the
    page, then its button): allauth signs the browser that signed up in. `origin`: the site's
    public scheme and host, which the link must name (the proxies' headers reached Django).
    Returns the password."""
    password = "rehearsal-Passw0rd-" + os.urandom(4).hex()
    response = site.post_form(
        "/accounts/signup/",
        {"username": USERNAME, "email": ADDRESS, "password1": password, "password2": password},
    )
    assert (response.status, response.headers.get("location")) == (302, "/accounts/confirm-email/"), (
        response.text[:2000]
    )
    assert f">{USERNAME}</a>" not in site.get("/").text  # not signed in before confirming

    (mail,) = stage.mail_to(ADDRESS)  # sent while the sign-up was answered (or its failure logged)
    assert email.utils.parseaddr(mail["from"])[1] == MAIL_FROM
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"(https?://[^/\s]+)(/accounts/confirm-email/\S+/)", text)
    assert link and link.group(1) == origin, text
    assert site.get(link.group(2)).status == 200
    confirmed = site.post_form(link.group(2), {})
    assert confirmed.status == 302, confirmed.text[:2000]
    page = site.get("/upload/")
    assert page.status == 200 and f">{USERNAME}</a>" in page.text, (page.status, page.text[:500])
    return password


def log_in(site, password):
    """Log in with the username and password in `site` (a browser); returns it."""
    response = site.post_form("/accounts/login/", {"login": USERNAME, "password": password})
    assert (response.status, response.headers.get("location")) == (302, "/"), response.text[:2000]
    assert f">{USERNAME}</a>" in site.get(ACCOUNT_PAGE).text
    return site


def upload(site, title):
    """Upload a photo through nginx; returns the photo's page."""
    fields = {"title": title, "description": "Boats coming home.", "tags": "sea boats"}
    files = {"image": ("harbour.jpg", "image/jpeg", image_bytes(size=(1600, 1200)))}
    response = site.post_form("/upload/", fields, files)
    assert response.status == 302, response.text[:2000]
    location = response.headers["location"]
    assert re.fullmatch(r"/photos/[0-9a-f]{32}/", location)
    return location


def assert_no_secret_in_any_log(rehearsal):
    for name, text in rehearsal.logs().items():
        for secret in (rehearsal.secret_key, rehearsal.db_password):
            assert secret not in text, f"a secret appears in {name}"
    for path in ("var/lib/cloud/instance/scripts/part-001", "etc/nginx/nginx.conf"):
        assert rehearsal.db_password not in rehearsal.path(path).read_text()


def assert_manage_wrapper_works(rehearsal):
    """photoshare-manage, the operator's way to manage.py, is written by deploy.sh: run it here."""
    wrapper = rehearsal.path("usr/local/bin/photoshare-manage")
    result = subprocess.run(
        [str(wrapper), "check_aws"], env=rehearsal.environment(), capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout.split()) == (
        0,
        ["database:", "ok", "s3:", "ok", "dynamodb:", "ok"],
    )
    if shutil.which("shellcheck"):
        result = subprocess.run(
            ["shellcheck", "--severity=style", str(wrapper)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout
