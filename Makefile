# The two commands of the README, both idempotent on a fresh machine.
PY := .venv/bin/python
# A development machine: the debug pages and the demo's public key are fine here. Production
# leaves DJANGO_DEBUG unset (off), and then refuses the development secret key.
export DJANGO_DEBUG ?= true

.PHONY: run test bench bench-load bench-notify bench-hosts install db demo lint messages

run:
	scripts/bootstrap.sh run
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	scripts/run.sh

# The tests without processes on both cores (each xdist worker has its own test database and
# Redis database, 15 and 14), and beside them the e2e tests one after another, in a test
# database and Redis database (12) of their own: they start workers, browsers and servers and
# mostly wait for them, so running them alongside kept CI under 20 minutes on a slower
# two-core machine (one after the other: 998 s + 422 s). Their output follows the first part's;
# either failing fails the target. --durations names the slowest tests for the next cut.
test:
	scripts/bootstrap.sh test
	$(MAKE) lint
	@e2e_log=$$(mktemp); \
	TEST_REDIS_URL=redis://127.0.0.1:6379/12 DATABASE_TEST_NAME=test_willkommen_e2e \
		$(PY) -m pytest -m e2e --durations=10 > $$e2e_log 2>&1 & e2e=$$!; \
	$(PY) -m pytest -n 2 -m "not e2e" --durations=25; first=$$?; \
	wait $$e2e; second=$$?; cat $$e2e_log; rm -f $$e2e_log; \
	test $$first -eq 0 && test $$second -eq 0

bench:
	scripts/bootstrap.sh test
	$(PY) -m bench
	$(PY) -m bench --only jobs --keep

# The load test (never in CI): gunicorn, a worker, beat and an SMTP sink against a generated
# city in willkommen_bench_load, driven by locust (bench/README.md, "Load").
bench-load:
	scripts/bootstrap.sh test
	$(PY) -m bench.load

# 10,000 emails through two Celery workers to a local SMTP sink (bench/README.md).
bench-notify:
	scripts/bootstrap.sh test
	$(PY) -m bench.notify

# Two worker hosts in network namespaces, and one host's link cut mid-run. Root, by hand,
# never in CI; ARGS="--goods-needs 1500 --offers 7500 --keep" and so on (bench/README.md).
bench-hosts:
	scripts/bootstrap.sh test
	bash bench/hosts.sh $(ARGS)

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

# Refresh the translation files (locale/) from the strings of every app; an untranslated
# string falls back to English. Emails have their own templates per language (notifications/).
MSG_IGNORE := $(foreach d,bench tests staticfiles scripts willkommen.egg-info .venv,--ignore=$(d)/*)
messages:
	$(PY) manage.py makemessages -l de -l uk -l ar --no-obsolete --no-location \
		$(MSG_IGNORE)
