#!/usr/bin/env bash
# Web, worker, mailer (email and webhooks) and scheduler in the foreground; Ctrl-C stops them all (honcho does that).
# A local SMTP sink that prints every email runs too, unless EMAIL_HOST points elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
# A development machine: DEBUG on (config/settings.py defaults it to off, and refuses its
# development secret key without it). Production runs gunicorn with its own variables.
export DJANGO_DEBUG=${DJANGO_DEBUG:-true}
processes=(web worker mailer beat)
if [ "${EMAIL_HOST:-127.0.0.1}" = 127.0.0.1 ] && [ "${EMAIL_PORT:-1025}" = 1025 ]; then
    processes+=(mail)
fi
exec .venv/bin/honcho start -f Procfile "${processes[@]}"
