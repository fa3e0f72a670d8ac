"""schemathesis over the whole served /api/openapi.json (docs/api.md, "Fuzzing the API"): every
operation in the document, called through the site's WSGI app with the suite's moto and database,
as a user with a read and write token and as nobody, then along the document's links (create →
read, change, delete). No answer may be a 5xx, break its documented schema, or have a status or
content type the document does not give the operation.

Bounded for CI: PHOTOSHARE_API_FUZZ examples per operation and caller (default 10, positive and
negative data, half of them on the ids of a real photo, album and upload) and as many stateful
scenarios of up to STEPS calls; `make api-fuzz` runs many more.
"""

import os
import re

import hypothesis.core
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test
from hypothesis.vendor import pretty
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup
from schemathesis.engine.errors import is_inconsistent_replay
from schemathesis.generation.hypothesis import setup as schemathesis_setup

from accounts.models import ApiToken
from gallery.services import albums, photos
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

# schemathesis's setup (once a process, when it first generates) swaps Hypothesis's printer for
# one that prints nothing, for its own speed: every Hypothesis test run after it, the invariant
# machine's too, would report its failing example with blank values. Its setup now, then
# Hypothesis's own printer again, for good (pyproject.toml also keeps schemathesis's pytest
# plugin, which runs that setup on import, out of every run).
schemathesis_setup()
hypothesis.core.RepresentationPrinter = pretty.RepresentationPrinter

EXAMPLES = int(os.environ.get("PHOTOSHARE_API_FUZZ", "10"))
STEPS = 10  # calls in one stateful scenario
CHECKED = ("not_a_server_error", "response_schema_conformance", "content_type_conformance",
           "status_code_conformance")  # fmt: skip
LIMITS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


class SiteApp(WSGIHandler):
    """The site as the WSGI app schemathesis calls, in this process and this test's transaction."""


# The document as the site serves it (read at import: it needs neither AWS nor the database).
SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    SiteApp(),
    config=schemathesis.Config.from_dict(
        {
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKED}},
            # The caller's credentials are the test's (a real token, or none), not made-up keys.
            "generation": {"with-security-parameters": False},
        }
    ),
)


@pytest.fixture
def api(aws, user):
    """A real photo, album and started upload of the user's to aim at ({path parameter: id}),
    with the test's database connection kept open between requests (as Django's test client does)."""
    # Published for real (the files in S3 too): a download streams them.
    made = [publish(user, title=f"Harbour {number}", tags="sea") for number in (1, 2, 3)]
    album = albums.create(user, title="Harbour", visibility="unlisted")
    for photo in made[:2]:
        albums.add_photo(user, album, photo.id)
    ids = {"photo_id": made[0].id, "album_id": album.id, "upload_id": photos.start_upload(user).upload_id}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield ids
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Token:
    """The user's read and write token, made anew when the run revoked it (DELETE /api/tokens/{id}/
    may well pick its id): the calls after it are the user's again, not 401s."""

    def __init__(self, user):
        self.user, self.made, self.key = user, 0, None

    def headers(self):
        if self.key is None or ApiToken.authenticate(self.key) is None:
            self.made += 1
            self.key = ApiToken.issue(self.user, name=f"fuzz {self.made}", scope=ApiToken.READ_WRITE)
        return {"Authorization": f"Token {self.key}"}


class Nobody:
    def headers(self):
        return {}


def test_every_operation_as_a_user_with_a_read_write_token(api, user):
    fuzz(api, Token(user))


def test_every_operation_as_nobody(api):
    fuzz(api, Nobody())


def fuzz(ids, caller):
    """Each operation of the document, EXAMPLES times, the deletions last (the photo and album
    aimed at stay until then); every failure of every operation reported."""
    failures = {}
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    # Deletions last, the innermost first (a photo out of the album before the album goes).
    operations.sort(key=lambda operation: (operation.method == "delete", -operation.path.count("/")))
    for operation in operations:
        aimed = {name: ids[name] for name in re.findall(r"{(\w+)}", operation.path) if name in ids}
        strategy = st.one_of(
            [operation.as_strategy(mode, path_parameters=aimed) for mode in GenerationMode]
            + [operation.as_strategy(mode) for mode in GenerationMode]
        )

        @LIMITS
        @given(case=strategy)
        def call(case):
            case.call_and_validate(headers=caller.headers(), checks=checks())

        try:
            call()
        except (Exception, FailureGroup) as failure:  # every operation's, not only the first's
            failures[operation.label] = failure
    assert len(operations) >= 20
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())


def test_the_links_between_operations_as_a_user(api, user):
    caller, found, scenarios = Token(user), [], []

    class Scenario(SCHEMA.as_state_machine()):
        def setup(self):
            scenarios.append(self)

        def get_call_kwargs(self, case):
            return {"headers": caller.headers()}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            sent = kwargs.get("headers")
            try:
                case.validate_response(response, checks=checks(), headers=sent, recorder=self.recorder)
            except FailureGroup as failure:
                found.append(failure)
                raise

    # The site's state carries over from one scenario to the next (tokens made, albums deleted),
    # so a replay of the same choices may not draw the same rules: Hypothesis stops with Flaky (or
    # its data tree's assertion). What matters is whether an answer failed a check; without one,
    # the run goes on with new scenarios until EXAMPLES ran (as schemathesis's own runner does).
    for _attempt in range(10):
        try:
            left = max(EXAMPLES - len(scenarios), 1)
            run_state_machine_as_test(
                Scenario, settings=settings(LIMITS, max_examples=left, stateful_step_count=STEPS)
            )
        except (Flaky, AssertionError) as error:
            if not found and not (isinstance(error, Flaky) or is_inconsistent_replay(error)):
                raise
            if found:
                raise AssertionError("\n\n".join(map(str, found))) from error
        if len(scenarios) >= EXAMPLES:
            break
    assert len(scenarios) >= EXAMPLES


def checks():
    load_all_checks()
    return [CHECKS.get_one(name) for name in CHECKED]


def test_hypothesis_still_prints_the_failing_examples_of_other_tests():
    @given(st.integers(min_value=7))
    @settings(database=None)
    def fails(number):
        raise AssertionError

    with pytest.raises(AssertionError) as failed:
        fails()

    assert "number=7" in "\n".join(getattr(failed.value, "__notes__", []))
