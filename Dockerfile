# The one image for web (gunicorn), worker and beat (celery) and the migrate job; compose.yml
# picks the command. Debian 12, like the development machines (GDAL 3.6, GEOS, PROJ 9).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# GeoDjango loads GDAL, GEOS and PROJ with ctypes at runtime; libgdal32 brings GEOS and PROJ.
# gettext's msgfmt compiles the web pages' translations. No compiler needed: psycopg comes as
# the binary wheel.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so that a change to the code does not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself. Static files are collected at build time as the production settings
# store them (DEBUG off: whitenoise's compressed manifest storage); this needs no database.
# The secret key is a throw-away for this one command; the runtime key comes from compose.yml.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
       python manage.py collectstatic --no-input \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=compilemessages-only-not-a-secret \
       python manage.py compilemessages --ignore=.venv

# Production: DEBUG off (settings.py's default too, said here for clarity). The settings
# refuse to start without a secret DJANGO_SECRET_KEY; compose.yml requires one.
ENV DJANGO_DEBUG=false \
    WEB_CONCURRENCY=2

RUN useradd --system --uid 10001 --create-home --home-dir /home/willkommen willkommen
USER willkommen

EXPOSE 8000
# gunicorn reads the number of workers from WEB_CONCURRENCY.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
