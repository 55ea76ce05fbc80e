"""One settings module, driven by environment variables.

Defaults are for development on one machine: PostgreSQL/PostGIS and Redis on 127.0.0.1,
the offline gazetteer for geocoding, and a local SMTP sink on port 1025. Production sets
DJANGO_DEBUG=false and the variables documented in the README.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-change-me-in-production-0123456789abcdef",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "accounts",
    "geo",
    "lifecycle",
    "volunteers",
    "donations",
    "housing",
    "matching",
    "notifications",
    "workers",
    "privacy",
    "demo",
    "api",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's pages speak their preferred language (after authentication).
    "web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the history of needs and offers.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/willkommen"),
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
    "DATABASE_TEST_NAME", default="test_willkommen"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages the platform speaks. Arabic is written right to left; templates use
# Django's get_current_language_bidi to set dir="rtl".
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("uk", "Українська"),
    ("ar", "العربية"),
]
TIME_ZONE = env("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True
# Translations of the web pages; the .mo files are compiled by scripts/bootstrap.sh.
LOCALE_PATHS = [BASE_DIR / "locale"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "home"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production) -------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("THROTTLE_LOGIN", default="20/min"),
        "writes": env("THROTTLE_WRITES", default="120/min"),
        "password_check": env("THROTTLE_PASSWORD_CHECK", default="5/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Willkommen API",
    "DESCRIPTION": "Needs, offers and matches of a city's welcome centre.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files are served from the sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several fields get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "MatchKindEnum": "matching.models.Match.Kind",
        "MatchAnswerEnum": "matching.models.Answer",
    },
}

# --- Celery --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None  # tasks write their results to the database
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
# Redis re-delivers an unacknowledged message after the visibility timeout; it must be well
# above the longest task (time limit above) or a slow task would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_SEND_TASK_EVENTS = False

# How often the sweep re-enqueues whatever is still pending in the database, and how old a
# pending item must be before the sweep touches it (fresh ones are enqueued on commit).
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=60.0)
SWEEP_GRACE_SECONDS = env.float("SWEEP_GRACE_SECONDS", default=30.0)
# A delivery claimed longer ago than this is treated as abandoned by a dead worker.
NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATION_CLAIM_TIMEOUT_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
# A person who is not a member of an organisation gets at most this many emails a day (in
# Berlin) caused by it; the rest wait for the next day (the inbox lists them at once).
NOTIFICATION_DAILY_CAP_PER_ORGANISATION = env.int(
    "NOTIFICATION_DAILY_CAP_PER_ORGANISATION", default=50
)
# Hour (Europe/Berlin) of the daily digest for people who chose it.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)
# Webhooks: one try waits this long for an answer; after the last try the delivery fails.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Willkommen <noreply@willkommen.localhost>")
# Domain used in Message-IDs so that a re-sent copy carries the same id as the first.
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", default="willkommen.localhost")
SITE_URL = env("SITE_URL", default="http://localhost:8000")

# --- Geocoding -------------------------------------------------------------------------------
# "gazetteer": offline, shipped in geo/data (development, tests, demo).
# "nominatim": OpenStreetMap Nominatim, called only from tasks, 1 request/s, cached in the DB.
GEOCODER = env("GEOCODER", default="gazetteer")
NOMINATIM_DOMAIN = env("NOMINATIM_DOMAIN", default="nominatim.openstreetmap.org")
NOMINATIM_SCHEME = env("NOMINATIM_SCHEME", default="https")
NOMINATIM_USER_AGENT = env(
    "NOMINATIM_USER_AGENT", default="willkommen-dev (set NOMINATIM_USER_AGENT)"
)
NOMINATIM_MIN_DELAY_SECONDS = env.float("NOMINATIM_MIN_DELAY_SECONDS", default=1.0)
NOMINATIM_COUNTRY_CODES = env.list("NOMINATIM_COUNTRY_CODES", default=["de"])
# Size of the public grid that exact points are snapped to (metres).
APPROXIMATE_GRID_METRES = env.int("APPROXIMATE_GRID_METRES", default=500)

# --- Matching --------------------------------------------------------------------------------
# Distance limits used when a need or an offer does not set its own.
DEFAULT_NEED_MAX_DISTANCE_KM = env.float("DEFAULT_NEED_MAX_DISTANCE_KM", default=15.0)
DEFAULT_OFFER_RADIUS_KM = env.float("DEFAULT_OFFER_RADIUS_KM", default=15.0)
# Weights of the score's factors (matching.core.scoring); each factor is in [0, 1] and the
# score is their weighted mean over the factors that apply to a kind.
MATCHING_WEIGHTS = {
    "distance": env.float("MATCHING_WEIGHT_DISTANCE", default=0.35),
    "urgency": env.float("MATCHING_WEIGHT_URGENCY", default=0.25),
    "waiting": env.float("MATCHING_WEIGHT_WAITING", default=0.15),
    "fit": env.float("MATCHING_WEIGHT_FIT", default=0.15),
    "language": env.float("MATCHING_WEIGHT_LANGUAGE", default=0.10),
}
# Matching is partitioned into cells of a fixed grid (degrees of latitude and longitude, about
# 20 km × 20 km in central Europe); a batch allocates the open needs of one cell at once.
MATCHING_CELL_DEGREES = (
    env.float("MATCHING_CELL_LAT_DEGREES", default=0.18),
    env.float("MATCHING_CELL_LON_DEGREES", default=0.28),
)
# A change waits this long before its cell is matched, so that a burst of new records (an
# import, a busy morning) is allocated together in one batch.
MATCHING_DEBOUNCE_SECONDS = env.float("MATCHING_DEBOUNCE_SECONDS", default=5.0)
# Candidates fetched per need, nearest first.
MATCHING_CANDIDATES_PER_NEED = env.int("MATCHING_CANDIDATES_PER_NEED", default=50)
# Volunteer shifts are allocated by a flow plus repair, then improved by an exact model
# (OR-Tools CP-SAT) within this many seconds per batch.
MATCHING_SHIFT_SOLVER_SECONDS = env.float("MATCHING_SHIFT_SOLVER_SECONDS", default=5.0)
# A flat that becomes free this many days after a household's move-in date still fits.
HOUSING_MOVE_IN_TOLERANCE_DAYS = env.int("HOUSING_MOVE_IN_TOLERANCE_DAYS", default=30)
# The periodic full run re-matches every cell with open needs.
MATCHING_FULL_RUN_SECONDS = env.int("MATCHING_FULL_RUN_SECONDS", default=60 * 60)

# --- Match workflow --------------------------------------------------------------------------
# Proposals at or above this score are approved without a coordinator (unset: every proposal
# waits for review). Flats always wait for a person, whatever is set.
MATCH_AUTO_APPROVE_MIN_SCORE = {
    "goods": env.float("MATCH_AUTO_APPROVE_GOODS_MIN_SCORE", default=None),
    "volunteers": env.float("MATCH_AUTO_APPROVE_VOLUNTEERS_MIN_SCORE", default=None),
}
# An offered match unanswered after N days gets one reminder; it expires after the second
# number of days from the offer.
MATCH_REMIND_AFTER_DAYS = env.float("MATCH_REMIND_AFTER_DAYS", default=3)
MATCH_EXPIRE_AFTER_DAYS = env.float("MATCH_EXPIRE_AFTER_DAYS", default=6)
# An accepted match not confirmed as handed over after M days: "did it happen?"
MATCH_HANDOVER_QUESTION_DAYS = env.float("MATCH_HANDOVER_QUESTION_DAYS", default=7)
# Open offers this old (since created or last confirmed) are asked "still available?";
# no answer within the second number of days withdraws them.
OFFER_AVAILABILITY_CHECK_DAYS = env.float("OFFER_AVAILABILITY_CHECK_DAYS", default=60)
OFFER_AVAILABILITY_ANSWER_DAYS = env.float("OFFER_AVAILABILITY_ANSWER_DAYS", default=14)
# One-click links in emails stop working after this many days (answer links end with the
# match's answer deadline).
ACTION_LINK_DAYS = env.float("ACTION_LINK_DAYS", default=14)
WORKFLOW_TASK_INTERVAL_SECONDS = env.int("WORKFLOW_TASK_INTERVAL_SECONDS", default=15 * 60)

# --- Privacy ---------------------------------------------------------------------------------
# Closed needs and offers (fulfilled, expired, withdrawn) keep their address, description and
# exact point this many days after closing, for questions about the handover; then a daily
# task removes them (privacy.services.scrub_closed_before).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=365)
PRIVACY_TASK_INTERVAL_SECONDS = 24 * 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

CELERY_BEAT_SCHEDULE = {
    "match-everything": {
        "task": "workers.tasks.match_everything",
        "schedule": MATCHING_FULL_RUN_SECONDS,
        "options": {"expires": MATCHING_FULL_RUN_SECONDS / 2},
    },
    "sweep-pending": {
        "task": "workers.tasks.sweep",
        "schedule": SWEEP_INTERVAL_SECONDS,
        # A sweep that waited longer than one interval is superseded by the next one.
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "advance-matches": {
        "task": "matching.tasks.advance_matches",
        "schedule": WORKFLOW_TASK_INTERVAL_SECONDS,
        "options": {"expires": WORKFLOW_TASK_INTERVAL_SECONDS},
    },
    "check-offers-still-available": {
        "task": "matching.tasks.check_offers_still_available",
        "schedule": PRIVACY_TASK_INTERVAL_SECONDS,
        "options": {"expires": PRIVACY_TASK_INTERVAL_SECONDS / 2},
    },
    "send-digests": {
        "task": "workers.tasks.send_digests",
        # CELERY_TIMEZONE: Europe/Berlin unless TIME_ZONE says otherwise.
        "schedule": crontab(minute=0, hour=NOTIFICATION_DIGEST_HOUR),
        "options": {"expires": 6 * 60 * 60},
    },
    "expire-due": {
        "task": "lifecycle.tasks.expire_due",
        "schedule": PRIVACY_TASK_INTERVAL_SECONDS,
        "options": {"expires": PRIVACY_TASK_INTERVAL_SECONDS / 2},
    },
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": PRIVACY_TASK_INTERVAL_SECONDS,
        "options": {"expires": PRIVACY_TASK_INTERVAL_SECONDS / 2},
    },
}

# Debian 12 ships GDAL 3.6. The warning concerns reading spatial files from untrusted users,
# which the platform never does: points arrive as numbers or come from the gazetteer.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
