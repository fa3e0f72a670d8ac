# photoshare: `make run` serves the site locally, `make test` runs the test suite,
# `make manage ARGS="createsuperuser"` runs a management command against the local site.
# Both set up what they need first (Debian build packages, .venv, requirements) and skip
# that step when nothing changed.

VENV ?= .venv
PYTHON := $(VENV)/bin/python
SETUP_STAMP := $(VENV)/.setup-done

.PHONY: run manage test lint setup messages clean

run: $(SETUP_STAMP) messages
	$(PYTHON) devstack/run.py

# Uses make run's moto while it runs, else starts one for the command (devstack/manage.py).
manage: $(SETUP_STAMP)
	$(PYTHON) devstack/manage.py $(ARGS)

test: $(SETUP_STAMP) messages
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest $(PYTEST_ARGS)

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
