"""Settings for pytest: the production settings (debug off) with test-only values filled in.

pytest-django imports settings before any conftest runs, so the env defaults live here.
A variable already set in the environment (DATABASE_URL, say) wins.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and live_server speak plain HTTP.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

# The manifest storage needs `collectstatic` output; tests must not depend on it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the finders (static/, app dirs) in the live server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Suites post far more than a person would; the rate limit has its own test, which turns it on.
RATE_LIMIT_PER_MINUTE = 0
