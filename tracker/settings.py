"""Settings, all read from the environment, in one module.

Every variable is documented in docs/configuration.md. With nothing set, the project runs
on the embedded default: SQLite in the project folder and Celery tasks executed in-process.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_int_item(name: str, raw: str) -> int:
    """One item of a comma-separated list of non-negative integers."""
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must list integers, not {raw!r}.") from None
    if value < 0:
        raise ImproperlyConfigured(f"{name} must list integers of 0 or more, not {raw!r}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()] or default


# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env_bool("DJANGO_DEBUG", True)
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
# Only the embedded default (DEBUG on) may fall back to a development key.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-embedded-default-key" if DEBUG else None)
# Former keys, still accepted for signatures (sessions, password resets) while rotating.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_CODE = "en"
USE_I18N = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "events",
    "compliance",
]

MIDDLEWARE = [
    "tracker.middleware.RequestIdMiddleware",  # first: every later log line carries the id
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.UnservableRequestMiddleware",  # chunked bodies, NUL in the URL
    "tracker.middleware.SecurityHeadersMiddleware",  # CSP; no-store on the API
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ],
        },
    },
]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
if not DEBUG:  # static files under gunicorn, after collectstatic (runserver serves them itself)
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# SECURITY: on by default whenever debug is off (production); see docs/operations.md.
# https://docs.djangoproject.com/en/5.2/topics/security/
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (the compose file's setup).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP inside
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# Origins (https://host) allowed to POST forms with the session, e.g. behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
X_FRAME_OPTIONS = "DENY"
# CORS: no cross-origin browser access to the API unless origins are listed.
CORS_ALLOWED_ORIGINS = env_list("DJANGO_CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False

# DATABASES
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,  # a persistent connection dropped while idle is replaced
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time, taken at BEGIN: appends and projection runs never interleave.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

# CELERY
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://localhost/")
# Without a broker, tasks run in-process, synchronously: the embedded default.
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process is replaced after this many tasks: a safety net against slow growth of a
# long-lived worker (the soak benchmark finds none since a278844; docs/BENCHMARKS.md). 0: never.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 1000) or None
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "tracker")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Schedules live in the database (django-celery-beat), editable in the admin; the schedules
# declared in tracker/celery.py are copied into it when beat starts.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# EVENT STORE (see docs/event-store.md)
# Read models fed from the log, run by the projection runner in this order.
EVENTS_PROJECTIONS: list[str] = [
    "compliance.projections.parties.PartiesProjection",
    "compliance.projections.positions.InvestmentPositionsProjection",
    "compliance.projections.proceedings.ProceedingsProjection",
    "compliance.projections.deadlines.DeadlinesProjection",
    "compliance.projections.timeline.TimelineProjection",
    "compliance.projections.risk.RiskProjection",
]
# Seconds between the periodic catch-up runs of every projection (beat).
EVENTS_CATCH_UP_SECONDS = env_int("EVENTS_CATCH_UP_SECONDS", 30)
# /readyz answers 503 while a projection is more events than this behind the log's head.
EVENTS_READY_MAX_LAG = env_int("EVENTS_READY_MAX_LAG", 1000)
# Queue a projection catch-up task when an append commits.
EVENTS_DISPATCH_ON_COMMIT = env_bool("EVENTS_DISPATCH_ON_COMMIT", True)
# Seconds recorded_at (the database's clock at each INSERT) may go back along ledger positions
# (positions follow commits): more, and the sealer stops there and verify_ledger fails.
EVENTS_CLOCK_TOLERANCE_SECONDS = env_int("EVENTS_CLOCK_TOLERANCE_SECONDS", 60)
# Recording decides on each stream's folded state kept in the process and brought up to date
# with the events recorded since (compliance/services/recording.py): at most this many streams,
# holding at most this many events together, least recently used first out. 0 switches it off.
RECORDING_CACHE_STREAMS = env_int("RECORDING_CACHE_STREAMS", 1000)
RECORDING_CACHE_EVENTS = env_int("RECORDING_CACHE_EVENTS", 200_000)
# Processes a rebuild of the risk views evaluates investments in, and a report builds its
# content and CSV in (forked; 1: no fork).
RISK_REBUILD_PROCESSES = env_int(
    "RISK_REBUILD_PROCESSES",
    min(
        4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ),
)

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "tracker.logs.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "tracker.logs.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # JSON lines in production; readable lines on the embedded default.
            "formatter": env_str("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "celery.app.trace": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # one INFO line per page laid out otherwise
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # a line on import otherwise
    },
}

# CACHE: per process unless a Redis URL is given; API throttling counts in the same Redis
# (compliance/api/throttling.py).
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
_CACHE_URL = env_str("DJANGO_CACHE_URL", "locmem://")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# REST API (see docs/api.md)
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "compliance.api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["compliance.api.permissions.CanRead"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["compliance.api.parsers.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "compliance.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "compliance.api.throttling.AnonRateThrottle",
        "compliance.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "1200/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Proxies in front of the app that append to X-Forwarded-For: anonymous clients are told
    # apart by the address the nearest of them saw (0: the socket's address; a client can
    # write any X-Forwarded-For it likes, so it is never trusted beyond these).
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
}
# Seconds a process remembers whom an API token belongs to, with their role and matters: a
# revoked token, role or matter still works in the other processes for up to this long (0: no
# cache). See compliance/api/authentication.py and docs/api.md.
API_ACCESS_CACHE_SECONDS = env_int("API_ACCESS_CACHE_SECONDS", 5)
# The largest request body the API accepts, in bytes (an event's data is at most 64 KiB).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 256 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

SPECTACULAR_SETTINGS = {
    "TITLE": "AI investment compliance tracker API",
    "DESCRIPTION": (
        "An immutable event log of what happens around big-tech stakes in AI companies, and "
        "the EU-regulatory risk views projected from it. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],  # the schema is no secret
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "compliance.api.errors.problem_media_type",  # errors are application/problem+json
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "compliance.models.Report.Status",
        "FindingStatusEnum": "compliance.api.views.risk.STATUSES",
        "ReportFormatEnum": "compliance.reports.render.FORMATS",
    },
}

# EMAIL
# https://docs.djangoproject.com/en/5.2/topics/email/
# The console backend by default (mails are printed); SMTP with
# DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* variables.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "reports" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")

# REPORTS AND REMINDERS (see docs/reports.md)
# Where report files are kept (one folder per report).
REPORTS_DIR = Path(env_str("REPORTS_DIR", str(BASE_DIR / "reports")))
# What prints the PDF from the report's HTML: weasyprint, or chromium (headless, much faster
# on long reports; needs a browser at REPORTS_CHROMIUM and the package's chromium extra).
REPORTS_PDF_ENGINE = env_str("REPORTS_PDF_ENGINE", "weasyprint").strip().lower()
if REPORTS_PDF_ENGINE not in {"weasyprint", "chromium"}:
    raise ImproperlyConfigured(
        f"REPORTS_PDF_ENGINE must be weasyprint or chromium, not {REPORTS_PDF_ENGINE!r}."
    )
REPORTS_CHROMIUM = env_str("REPORTS_CHROMIUM", "/usr/bin/chromium")
# Days before a deadline at which the people staffed on its matter are reminded.
REMINDER_OFFSETS_DAYS = sorted(
    {
        env_int_item("REMINDER_OFFSETS_DAYS", item)
        for item in env_list("REMINDER_OFFSETS_DAYS", ["30", "7", "1"])
    },
    reverse=True,
)
# Hour (UTC) of the daily reminder run, and of the default weekly report (Mondays).
REMINDERS_HOUR_UTC = env_int("REMINDERS_HOUR_UTC", 6)

# CHECKPOINTS, PROOFS AND PERSONAL DATA (see docs/ledger.md)
# The Ed25519 key that signs checkpoints of the ledger's head and proof bundles: the key itself
# (PEM, or base64/hex of its 32-byte seed) or the path of a file holding it. Unset: no
# checkpoints are made (the periodic task logs that it skipped).
EVENTS_CHECKPOINT_KEY = env_str("EVENTS_CHECKPOINT_KEY", "")
EVENTS_CHECKPOINT_KEY_FILE = env_str("EVENTS_CHECKPOINT_KEY_FILE", "")
# Former signing keys' public halves (base64, comma-separated), still trusted when verifying.
EVENTS_CHECKPOINT_TRUSTED_KEYS = env_list("EVENTS_CHECKPOINT_TRUSTED_KEYS", [])
# Where every checkpoint is also written, one JSON file each, out of the database's reach.
EVENTS_CHECKPOINT_DIR = Path(env_str("EVENTS_CHECKPOINT_DIR", str(BASE_DIR / "checkpoints")))
# Seconds between two checkpoints (Celery beat).
EVENTS_CHECKPOINT_SECONDS = env_int("EVENTS_CHECKPOINT_SECONDS", 3600)
# What export_proof can prove besides a stream: kind -> function (events knows no domain).
EVENTS_PROOF_SUBJECTS = {"report": "compliance.proofs.report_subject"}
