# photoshare: `make run` serves the site locally, `make test` runs the test suite,
# `make manage ARGS="createsuperuser"` runs a management command against the local site.
# Both set up what they need first (Debian build packages, .venv, requirements) and skip
# that step when nothing changed.

VENV ?= .venv
PYTHON := $(VENV)/bin/python
SETUP_STAMP := $(VENV)/.setup-done
# The suite runs on every core (pytest-xdist; conftest.py says how the long tests are spread).
# PYTEST_ARGS comes after, so PYTEST_ARGS="-n 0" runs it in one process (e.g. to use --pdb).
PYTEST_WORKERS ?= auto

.PHONY: run manage test lint setup messages clean invariants api-fuzz

run: $(SETUP_STAMP) messages
	$(PYTHON) devstack/run.py

# Uses make run's moto while it runs, else starts one for the command (devstack/manage.py).
manage: $(SETUP_STAMP)
	$(PYTHON) devstack/manage.py $(ARGS)

# Bytecode written even where PYTHONDONTWRITEBYTECODE is set (as on the CI machine), and the
# project's compiled first (<1 s): otherwise every xdist worker compiles and assertion-rewrites every
# module again (collection 9-10 -> 6.3 s), and so does every gunicorn, `manage.py worker` and bench
# the tests start (~0.35 s each, ~150 of them).
test: $(SETUP_STAMP) messages
	$(PYTHON) -m ruff check .
	$(PYTHON) -m compileall -q -x '/(\.venv|\.local|\.git|staticfiles)/' .
	PYTHONDONTWRITEBYTECODE= $(PYTHON) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The invariant machine (gallery/tests/test_invariants.py) with its long profile: many more and
# longer runs of the use cases than the bounded one `make test` and CI run (docs/architecture.md).
# INVARIANTS="<examples>x<steps>" (e.g. 50x30) runs a profile in between.
INVARIANTS ?= long
invariants: $(SETUP_STAMP) messages
	PHOTOSHARE_INVARIANTS=$(INVARIANTS) $(PYTHON) -m pytest -p no:cacheprovider gallery/tests/test_invariants.py

# schemathesis over every operation of /api/openapi.json (gallery/tests/api/test_fuzz.py, docs/api.md)
# with API_FUZZ examples per operation and caller instead of CI's 10, and as many stateful
# scenarios; stopped after API_FUZZ_SECONDS whatever it has done (the default: ~12 min at load 13).
API_FUZZ ?= 100
API_FUZZ_SECONDS ?= 1800
api-fuzz: $(SETUP_STAMP) messages
	PHOTOSHARE_API_FUZZ=$(API_FUZZ) timeout $(API_FUZZ_SECONDS) $(PYTHON) -m pytest -n 0 -p no:cacheprovider \
		--durations=3 gallery/tests/api/test_fuzz.py

# The .mo files of locale/ (never committed), from the .po catalogs. No settings needed: Django
# finds ./locale itself; hidden directories (.venv, .git, .local) are not searched.
messages: $(SETUP_STAMP)
	DJANGO_SETTINGS_MODULE= $(PYTHON) -m django compilemessages --ignore='.*' --ignore=staticfiles -v0

lint: $(SETUP_STAMP)
	$(PYTHON) -m ruff check .

setup: $(SETUP_STAMP)

$(SETUP_STAMP): requirements.txt requirements-dev.txt scripts/bootstrap.sh
	VENV=$(VENV) scripts/bootstrap.sh
	touch $@

clean:
	rm -rf $(VENV) staticfiles
	find locale -name '*.mo' -delete
