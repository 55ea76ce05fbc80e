"""One settings module, driven by environment variables.

Defaults are for development on one machine: PostgreSQL/PostGIS and Redis on 127.0.0.1,
the offline gazetteer for geocoding, and a local SMTP sink on port 1025. Production sets
DJANGO_DEBUG=false and the variables documented in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Front door: DEBUG and the secret key (issue 12) ---------------------------------------
# DEBUG is off unless asked for: a forgotten variable must never serve Django's debug page
# (settings, SQL, source) to the public. Development asks for it: the Makefile, scripts/*.sh
# and tests/settings.py set DJANGO_DEBUG=true.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# Keys that are public (in this repository or its history): with them anyone can forge
# sessions, password-reset links and one-click links. Only a development machine may use one.
PUBLIC_SECRET_KEYS = frozenset(
    {DEVELOPMENT_SECRET_KEY, "insecure-compose-default-set-DJANGO_SECRET_KEY", ""}
)
if not DEBUG and SECRET_KEY.strip() in PUBLIC_SECRET_KEYS:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is unset or a public development key. Set a secret one for "
        "production (python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), or "
        "DJANGO_DEBUG=true on a development machine."
    )
# --- end of the front door's block ----------------------------------------------------------
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
    # Front door (issue 12): lockout, second factor (TOTP and backup codes), content policy.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    # Metrics of requests and responses for /metrics (web/metrics.py); the database ENGINE
    # stays PostGIS's own, not django-prometheus' wrapper.
    "django_prometheus",
    "accounts",
    "geo",
    "lifecycle",
    "volunteers",
    "donations",
    "housing",
    # Work as a fourth kind of help (issue 15): employers' places, people looking for work.
    "jobs",
    # The information hub (issue 14): rooms that initiatives can book, events and courses;
    # below them, texts in many languages with an honest status and records kept current.
    "rooms",
    "events",
    "editorial",
    "directory",
    "content",
    "matching",
    "notifications",
    "workers",
    "safety",
    "privacy",
    "demo",
    "api",
    "web",
]

MIDDLEWARE = [
    # First and last (django-prometheus): times each request through every other middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id that every log line of the request and of the tasks it publishes carries
    # (base.logs), echoed as X-Request-ID.
    "web.middleware.RequestIdMiddleware",
    # The client's address from X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies, so
    # that everything after it (throttles, lockout, /healthz) reads one REMOTE_ADDR.
    "web.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page (not on static files).
    "csp.middleware.CSPMiddleware",
    "web.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After a write request, its user reads from the primary for a while (base/db_routing.py).
    "base.db_routing.RecentWritesMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session; coordinators
    # and admins need it for /coordination/, /admin/ and the API by session.
    "django_otp.middleware.OTPMiddleware",
    "web.middleware.SecondFactorMiddleware",
    # A signed-in person's pages speak their preferred language (after authentication).
    "web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: a page's part asked for by htmx gets that part back, not the whole page.
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the history of needs and offers.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a sign-in refused by the lockout into its answer.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates of installed packages that the project overrides: Swagger UI's page with
        # the content policy's nonce on its inline script and style.
        "DIRS": [BASE_DIR / "web" / "overrides"],
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
# A host whose network is cut must not hold its row locks (or beat's scheduler lock) for the
# kernel's two-hour keepalive: both ends probe an idle connection after DATABASE_KEEPALIVE_
# SECONDS and give up after three unanswered probes, and the server ends a transaction left
# idle for DATABASE_IDLE_IN_TRANSACTION_SECONDS. Client-side libpq options, and per-session
# server settings that any user may set (README, "Running a national instance").
DATABASE_KEEPALIVE_SECONDS = env.int("DATABASE_KEEPALIVE_SECONDS", default=30)
DATABASE_IDLE_IN_TRANSACTION_SECONDS = env.int("DATABASE_IDLE_IN_TRANSACTION_SECONDS", default=600)
_keepalive = DATABASE_KEEPALIVE_SECONDS
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {
        "keepalives": 1,
        "keepalives_idle": _keepalive,
        "keepalives_interval": max(1, _keepalive // 3),
        "keepalives_count": 3,
        "options": " ".join(
            [
                f"-c tcp_keepalives_idle={_keepalive}",
                f"-c tcp_keepalives_interval={max(1, _keepalive // 3)}",
                "-c tcp_keepalives_count=3",
                f"-c idle_in_transaction_session_timeout={DATABASE_IDLE_IN_TRANSACTION_SECONDS}s",
            ]
        ),
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# --- Read replica (issue 16; base/db_routing.py, README "Running a national instance") -------
# DATABASE_REPLICA_URL names a streaming replica of the primary; the map and list endpoints
# read from it, everything else from the primary. The user who sent a write reads from the
# primary for DATABASE_REPLICA_STICKY_SECONDS after it, and the replica answers only while it is
# less than that window (minus the check interval) behind. Unset: one database, as before.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ENGINE"] = DATABASES["default"]["ENGINE"]
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        **DATABASES["default"]["OPTIONS"],
    }
    # Tests read the test database through it (Django's test mirror), not the real replica.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["base.db_routing.ReplicaRouter"]
DATABASE_REPLICA_STICKY_SECONDS = env.int("DATABASE_REPLICA_STICKY_SECONDS", default=10)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=1.0)
if DATABASE_REPLICA_CHECK_SECONDS >= DATABASE_REPLICA_STICKY_SECONDS:
    raise ImproperlyConfigured(
        "DATABASE_REPLICA_CHECK_SECONDS must be shorter than DATABASE_REPLICA_STICKY_SECONDS."
    )

AUTH_USER_MODEL = "accounts.User"
# AUTH_PASSWORD_VALIDATORS: see the front door's block below.

# Languages the platform speaks. Arabic is written right to left; templates use
# Django's get_current_language_bidi to set dir="rtl".
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("uk", "Українська"),
    ("ar", "العربية"),
]
# The languages the information hub's content is written and translated in (editorial/):
# adding Farsi, Russian or Turkish content is this setting plus translations.
CONTENT_LANGUAGES = env.list("CONTENT_LANGUAGES", default=["de", "en", "uk", "ar"])
# After how many days the keeper of a directory entry, event series or page is asked to
# confirm it is still right; coordinators see what is overdue.
EDITORIAL_CONFIRM_EVERY_DAYS = env.int("EDITORIAL_CONFIRM_EVERY_DAYS", default=180)
TIME_ZONE = env("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True
# Translations of the web pages; the .mo files are compiled by scripts/bootstrap.sh. The
# second catalog holds the front door's messages (lockout, second factor, password rules)
# until they are merged into locale/; the first path wins where both translate a message.
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
    # The count comes with the page's rows, one query instead of two (api/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CountedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, adding the errors each operation can answer (api/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "api.openapi.ApiSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Size and depth limits and the text rule for every body (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    # OPTIONS describes what an endpoint declares, without loading objects (api/parsers.py).
    "DEFAULT_METADATA_CLASS": "api.parsers.EndpointMetadata",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("THROTTLE_LOGIN", default="20/min"),
        "writes": env("THROTTLE_WRITES", default="120/min"),
        "password_check": env("THROTTLE_PASSWORD_CHECK", default="5/hour"),
    },
}
# The largest request body the API reads (JSON, forms, uploads with their files): a CSV import
# of 1,000 kB (api/imports.py) and its form fit; Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves
# JSON bodies and files unbounded.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1_100_000)
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
        # Safety (api/safety.py): "kind" and "state" name other choices elsewhere.
        "CheckKindEnum": "accounts.models.CheckKind",
        "ReportStateEnum": "safety.models.ReportState",
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
# Email and webhooks go on a queue of their own, so that a worker that takes only them (`mailer`
# in the Procfile and compose.yml) sends them while matching batches keep the general worker
# busy (bench/load: emails waited minutes behind batches). A worker started without -Q takes
# both queues, so one worker alone still does everything.
CELERY_TASK_QUEUES = (Queue("default"), Queue("notifications"))
CELERY_TASK_ROUTES = {
    f"notifications.tasks.{name}": {"queue": "notifications"}
    for name in ("deliver_notification", "deliver_notifications", "deliver_webhook")
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_SEND_TASK_EVENTS = False
# /readyz (web/health.py): not ready when the newest worker heartbeat (workers/heartbeat.py,
# written every 2 s by each worker), the oldest unsent email or the oldest record waiting for
# matching is older than this. /healthz stays the liveness check and ignores them.
READY_MAX_HEARTBEAT_AGE_SECONDS = env.int("READY_MAX_HEARTBEAT_AGE_SECONDS", default=120)
READY_MAX_OUTBOX_AGE_SECONDS = env.int("READY_MAX_OUTBOX_AGE_SECONDS", default=300)
READY_MAX_FLAGGED_AGE_SECONDS = env.int("READY_MAX_FLAGGED_AGE_SECONDS", default=600)

# --- Front door (issue 12): shared counters, client address, lockout, passwords, second -----
# --- factor, content policy. README, "Security". ---------------------------------------------
# Throttles (and anything else cached) count in Redis, so every web process shares them; the
# per-process default cache let each gunicorn worker count on its own.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_REDIS_URL", default=REDIS_URL),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="willkommen"),
    }
}
# How many reverse proxies of our own stand in front of gunicorn. 0: the client is the peer
# of the connection (REMOTE_ADDR) and X-Forwarded-For is ignored, since anyone can send it.
# N: the client is the address that the outermost of our N proxies appended to the header.
# web.middleware.ClientAddressMiddleware writes it into REMOTE_ADDR, which DRF's throttles
# (NUM_PROXIES 0 below), the lockout (AXES_CLIENT_IP_CALLABLE) and /healthz then all read.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = 0

# Prometheus metrics at /metrics (web/metrics.py): allowed with "Authorization: Bearer
# <METRICS_TOKEN>" or from an address in METRICS_ALLOWED_NETWORKS (CIDR, read from
# REMOTE_ADDR as ClientAddressMiddleware sets it). Neither set: /metrics does not exist (404).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])

# Lockout (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins within the window, the
# account (whatever address tries it) and the client address (whatever account it tries) are
# refused until LOGIN_LOCKOUT_SECONDS after the last counted failure, also with the right
# password. Web sign-in, the admin's and the API token all count. Attempts are rows in the
# database: shared by every process, kept through a Redis restart, listed in the admin where
# an admin lifts a lockout by deleting them; a password change lifts the account's lockout.
AUTHENTICATION_BACKENDS = [
    "web.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Tries during a lockout do not prolong it: the person is told when it ends, and that holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures: else a client could sign in to its own account
# between guesses at others' and never reach the limit.
AXES_RESET_ON_SUCCESS = False
# No log of successful sign-ins (personal data nobody reads); failures are kept while counted.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "web.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "web.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp"]
# No banner at every start of every process; lockouts are still logged as warnings.
AXES_VERBOSE = False

# Passwords: Django's rules, plus common words with digits or signs around them (German and
# Leipzig ones too: accounts/data/common-passwords.txt) and no mere repetition. A password
# change also lifts the account's lockout (accounts.passwords.LiftLockoutOnPasswordChange).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.RepetitionValidator"},
    {"NAME": "accounts.passwords.CommonWordValidator"},
    {"NAME": "accounts.passwords.LiftLockoutOnPasswordChange"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)

# Second factor (django-otp): coordinators, admins and staff reach /coordination/, /admin/
# and the API by session only after a TOTP code or a backup code in this session, and get an
# API token only with one ("otp" field). Not an environment variable: production has no way
# to switch it off; tests/settings.py does for tests that are not about it.
SECOND_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Willkommen")
# Backup codes given when a TOTP device is confirmed (each works once).
OTP_BACKUP_CODES = 10

# Content-Security-Policy (django-csp): everything from this origin, no inline script or
# style except those carrying this response's nonce (Swagger UI's start script), nothing
# framed, no plugins. data: images are Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Permissions-Policy: the map may ask for the position on this origin only; no camera,
# microphone, payment or sensors for anything on our pages.
PERMISSIONS_POLICY = {
    "geolocation": "(self)",
    "camera": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
    "accelerometer": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "browsing-topics": "()",
}
# --- end of the front door's block ----------------------------------------------------------

# --- maps (issue 13, area "donations") -------------------------------------------------------
# The tile server of every map (web/static/web/map.js, the admin's map widget in
# geo/widgets.py): OpenStreetMap's by default; a city may run its own. Leaflet itself is
# served from this project (web/static/web/vendor/). Without tiles (offline, or the server
# refusing) the maps still show their points and circles on a blank background.
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# The tile server's origin may serve images to our pages, nothing else ("{s}." subdomains of
# a template become "*.").
if MAP_TILE_URL.startswith(("https://", "http://")):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.")
    )
# --- end of the maps block -------------------------------------------------------------------

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
# Webhook URLs whose host is, or resolves to, a loopback, private, link-local, shared or
# reserved address are refused at registration and at delivery (notifications/addresses.py).
# True lets them through, for local development and tests only (receivers on 127.0.0.1);
# cloud metadata addresses, credentials in URLs and internal service ports stay refused.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

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
# Work (issue 15): how far a remote job reaches; how many days after a job's start a person
# may still begin; whether a coordinator reviews every proposal of work (at first: yes).
JOBS_REMOTE_REACH_KM = env.float("JOBS_REMOTE_REACH_KM", default=300.0)
JOBS_START_TOLERANCE_DAYS = env.int("JOBS_START_TOLERANCE_DAYS", default=30)
JOBS_REVIEW_EVERY_PROPOSAL = env.bool("JOBS_REVIEW_EVERY_PROPOSAL", default=True)
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

# --- Safety: checks, reports, suspension ---------------------------------------------------
# Flats of landlords whose identity no coordinator has seen (accounts.checks) are not matched
# at all unless this is true; households are told which checks stand for a flat.
HOUSING_MATCH_UNCHECKED_LANDLORDS = env.bool("HOUSING_MATCH_UNCHECKED_LANDLORDS", default=False)
# An extended certificate of conduct counts for this many months from its date (many youth
# welfare agreements under § 72a SGB VIII ask for a new one every five years).
CERTIFICATE_OF_CONDUCT_VALID_MONTHS = env.int("CERTIFICATE_OF_CONDUCT_VALID_MONTHS", default=60)
# How soon a coordinator should take up a report of harm, in hours, by its urgency: the
# queue orders by this goal and marks reports that passed it.
REPORT_RESPONSE_HOURS = {
    "immediate": env.float("REPORT_RESPONSE_HOURS_IMMEDIATE", default=2),
    "high": env.float("REPORT_RESPONSE_HOURS_HIGH", default=24),
    "normal": env.float("REPORT_RESPONSE_HOURS_NORMAL", default=72),
}
# The "report a problem" link in match emails opens the form without signing in this long.
REPORT_LINK_DAYS = env.float("REPORT_LINK_DAYS", default=90)

# --- Privacy ---------------------------------------------------------------------------------
# Closed needs and offers (fulfilled, expired, withdrawn) keep their address, description and
# exact point this many days after closing, for questions about the handover; then a daily
# task removes them (privacy.services.scrub_closed_before).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=365)
PRIVACY_TASK_INTERVAL_SECONDS = 24 * 60 * 60

# "json": one JSON object per line (time, level, logger, message, request_id, exc_info) for a
# log collector; "text": readable lines for development. Web and worker processes both use
# this configuration (workers.request_ids), and every line carries the request id (base.logs).
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "base.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "base.logs.JsonFormatter"},
        "text": {"()": "base.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
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
    "import-external-calendars": {
        "task": "events.tasks.import_external_calendars",
        "schedule": crontab(minute=20),  # hourly
        "options": {"expires": 30 * 60},
    },
    "ask-keepers-to-confirm": {
        "task": "workers.tasks.ask_keepers_to_confirm",
        "schedule": crontab(minute=30, hour=NOTIFICATION_DIGEST_HOUR),
        "options": {"expires": 6 * 60 * 60},
    },
}

# Debian 12 ships GDAL 3.6. The warning concerns reading spatial files from untrusted users,
# which the platform never does: points arrive as numbers or come from the gazetteer.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
# Front door: a proxy in front that redirects to HTTPS itself is the operator's explicit choice
# (DJANGO_SECURE_SSL_REDIRECT=false), so `check --deploy` need not warn about it.
if not DEBUG and not env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True):
    SILENCED_SYSTEM_CHECKS.append("security.W008")
# Front door: django-axes reports each failed sign-in at INFO; warnings (new failures,
# lockouts) are what an operator needs.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}
