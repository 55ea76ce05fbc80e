# The two commands of the README, both idempotent on a fresh machine.
PY := .venv/bin/python

.PHONY: run test bench install db demo lint messages

run:
	scripts/bootstrap.sh run
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	scripts/run.sh

test:
	scripts/bootstrap.sh test
	$(MAKE) lint
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
	.venv/bin/lint-imports --no-cache

# Refresh the web pages' translation files from their strings (only web/: other apps' messages
# stay untranslated until someone translates them on purpose).
MSG_IGNORE := $(foreach d,accounts api base bench config demo donations geo housing lifecycle privacy \
	notifications tests volunteers workers staticfiles scripts willkommen.egg-info .venv,--ignore=$(d)/*)
messages:
	$(PY) manage.py makemessages -l de -l uk -l ar --no-obsolete --no-location \
		$(MSG_IGNORE)
