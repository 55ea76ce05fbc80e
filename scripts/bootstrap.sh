#!/usr/bin/env bash
# Install whatever is missing, idempotently: Debian packages, running services, .venv.
# Usage: scripts/bootstrap.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

# PostGIS and GDAL for GeoDjango; docker-compose only validates compose.yml in the tests.
# gettext: msgfmt compiles the web pages' translations (locale/*.po) below.
# Pango (with HarfBuzz for Arabic shaping) and Noto fonts: WeasyPrint renders the handouts to
# PDF in every content language, Arabic right to left (content/pdf.py).
# postgresql-client-15: pg_dump and pg_restore of the server's version (scripts/backup.sh).
packages=(postgresql-15-postgis-3 postgresql-client-15 gdal-bin libgdal32 gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core)
if [ "$purpose" = test ]; then
    packages+=(docker-compose)
    # Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; its own
    # browser download is not available), and fonts so Arabic and Cyrillic render in it.
    packages+=(chromium fonts-noto-core)
fi
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

scripts/services.sh

python=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
    echo "creating .venv"
    "$python" -m venv .venv
fi
stamp=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
    echo "installing Python packages"
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e '.[dev]'
    echo "$stamp" > .venv/.installed
fi

# Compiled translations (.mo, git-ignored); up-to-date files are skipped, so this is quick.
# Development mode: settings refuse their development secret key otherwise.
DJANGO_DEBUG=${DJANGO_DEBUG:-true} .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=bench --ignore=staticfiles \
    --verbosity 0
