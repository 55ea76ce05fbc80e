#!/usr/bin/env bash
# Web, worker and scheduler in the foreground; Ctrl-C stops them all (honcho does that).
# A local SMTP sink that prints every email runs too, unless EMAIL_HOST points elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
processes=(web worker beat)
if [ "${EMAIL_HOST:-127.0.0.1}" = 127.0.0.1 ] && [ "${EMAIL_PORT:-1025}" = 1025 ]; then
    processes+=(mail)
fi
exec .venv/bin/honcho start -f Procfile "${processes[@]}"
