"""Django settings, read from environment variables.

Debug is off unless DJANGO_DEBUG says otherwise (`make run` turns it on). With debug off the
app refuses to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. Tests use
config/settings_test.py, which fills those in and swaps the static files storage.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-local-development-only"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_htmx",
    "template_partials",
    "csp",
    "wizard",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.SessionCapMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PrivacyHeadersMiddleware",
]

# Requests per client address and minute on the views that write (wizard/ratelimit.py).
# 0 turns limiting off (the load test does, to measure throughput).
RATE_LIMIT_PER_MINUTE = env_int("WIZARD_RATE_LIMIT_PER_MINUTE", 60)
# Proxies in front that append to X-Forwarded-For (1 behind the documented TLS proxy; 0 when
# clients connect directly, so a forged header changes nothing).
TRUSTED_PROXIES = env_int("WIZARD_TRUSTED_PROXIES", 0)
# Rate-limit counts live in the database cache (table made by migration 0002), shared by every
# worker; WIZARD_RATE_LIMIT_CACHE=locmem keeps them per process instead.
RATE_LIMIT_CACHE = "ratelimit"
_ratelimit_cache = os.environ.get("WIZARD_RATE_LIMIT_CACHE", "database")
if _ratelimit_cache not in ("database", "locmem"):
    raise ImproperlyConfigured("WIZARD_RATE_LIMIT_CACHE must be 'database' or 'locmem'.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wizard_ratelimit",
            # the default (300 entries, then a third culled) would forget counts under load
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
        if _ratelimit_cache == "database"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.csp_nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while a request writes; the timeout waits out a busy writer.
    # Connections persist (CONN_MAX_AGE above): opening one and running the pragmas costs
    # about 1 ms, more than a live preview's whole work.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# What one wizard session may hold, encoded (an import parks its unmanaged keys there):
# config.middleware.SessionCapMiddleware answers 413 past it. Expired rows: docs/deploy.md.
SESSION_MAX_BYTES = env_int("WIZARD_SESSION_MAX_BYTES", 256 * 1024)
# Cookie first: a share page read by a visitor needs no session row.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# An edit link is a capability: other sites never see it in a Referer. Not "no-referrer": with
# it Chromium posts the owner page's forms with `Origin: null`, which Django's CSRF check refuses.
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers check liveness over plain HTTP: /healthz answers there instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
# On by default so `check --deploy` is clean; turn off when sibling subdomains are not all HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER")
if _proxy_header:
    if len(_proxy_header) != 2:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_PROXY_SSL_HEADER must be 'HEADER,value', "
            "e.g. 'HTTP_X_FORWARDED_PROTO,https'."
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_path": {"()": "config.middleware.RedactPathFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_path"],
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # 4xx are answered to the user and counted in wizard.request; only 5xx (with traceback) here.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "wizard.request": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
