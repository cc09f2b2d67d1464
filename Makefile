# The README's two commands: `make run` sets up and serves the site, `make test` sets up and tests it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=True SITE_URL=http://127.0.0.1:8000
# Tests run against production settings (debug off, hashed static files), with a throwaway key.
TEST_ENV := DJANGO_DEBUG=False DJANGO_SECRET_KEY=test-only-not-secret DJANGO_SECURE_SSL_REDIRECT=False
# What is installed, remembered inside the venv: deleting .venv starts over, and a stamp older
# than its requirement file installs again.
RUNTIME := $(VENV)/.runtime-installed
TEST_TOOLS := $(VENV)/.test-tools-installed

.PHONY: run test setup

# A venv that failed halfway (Debian's python3 without python3-venv) is removed, not reused.
$(PY):
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "$(PYTHON) cannot make a venv; on Debian: apt-get install python3-venv" >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip

# What running the site needs (also what deploy/cluster.sh and bench/ get from `make setup`).
$(RUNTIME): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The test and lint tools on top (requirements-dev.txt includes requirements.txt).
$(TEST_TOOLS): requirements-dev.txt $(RUNTIME)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(RUNTIME)

run: $(RUNTIME)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_content
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(TEST_TOOLS)
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)
