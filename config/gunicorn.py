"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi` (docs/deploy.md).

Edit links are capabilities (`/e/<key>/`), so the access log records no request line, path,
query or Referer (an owner page's same-origin Referer carries its key): it keeps who, when, the
method, the status, the size and the time. The app's own line per request (`wizard.request`)
names the route pattern instead of the path. gunicorn's error log passes the filter Django's
log uses, which blanks any edit key ("Error handling request /e/...").
"""

import os

from gunicorn.glogging import Logger

from config.middleware import RedactPathFilter

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s" %(s)s %(B)s %(M)sms "%(a)s"'


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactPathFilter())


logger_class = RedactingLogger
