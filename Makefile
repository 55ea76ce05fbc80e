# The two commands of the README, both idempotent on a fresh machine.
PY := .venv/bin/python

.PHONY: run test bench install db demo lint

run:
	scripts/bootstrap.sh run
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	scripts/run.sh

test:
	scripts/bootstrap.sh test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) -m pytest

bench:
	scripts/bootstrap.sh test
	$(PY) -m bench

install:
	scripts/bootstrap.sh test

db:
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --no-input

demo: db
	$(PY) manage.py load_demo

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
