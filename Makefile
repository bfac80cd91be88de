# BakePlanner: `make run` starts the app with demo data, `make test` runs every test.
PY := .venv/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: setup run test test-sqlite lint lock bench loadrun clean

setup:
	scripts/setup.sh
	$(PY) manage.py migrate --no-input -v 0

# Seeding is quiet (LOG_LEVEL=… shows every seeded row); the login is printed last.
run: setup
	$(PY) manage.py seed_demo --verbosity $(if $(LOG_LEVEL),2,1)
	DEBUG=$${DEBUG:-1} $(PY) manage.py rundemo $(HOST)

test:
	scripts/test.sh

test-sqlite:
	scripts/setup.sh
	$(PY) -m pytest

lint:
	scripts/setup.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports

# The upgrade command: every package at the newest version requirements.txt allows, pinned
# with its hashes in requirements.lock (pip-tools is used here only, not installed by setup).
lock:
	scripts/setup.sh
	.venv/bin/python -m pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet --upgrade \
	  --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
	  --no-emit-trusted-host --output-file requirements.lock requirements.txt
	scripts/setup.sh

# docs/performance.md: the bench on SQLite and PostgreSQL at S=1,4,16,64 (`make bench SCALES=1,4`
# for a quick look), and the HTTP load run; each writes its tables into the document.
bench: setup
	scripts/bench.sh $(SCALES)

loadrun: setup
	scripts/loadrun.sh

clean:
	rm -rf .venv var staticfiles
