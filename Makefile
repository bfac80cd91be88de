# BakePlanner: `make run` starts the app with demo data, `make test` runs every test.
PY := .venv/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: setup run test test-sqlite lint bench clean

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

bench: setup
	$(PY) manage.py bench --scales 1,4,16

clean:
	rm -rf .venv var staticfiles
