"""Settings for the offline commands (render_values, lint_values, import_values).

They read and write files only: they serve no page, sign nothing and touch no database, so the
production requirement of a secret key and allowed hosts does not apply to them. manage.py picks
this module for those commands unless DJANGO_SETTINGS_MODULE says otherwise.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "offline-command-signs-nothing")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")

from config.settings import *  # noqa: E402,F403
