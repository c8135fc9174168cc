import io
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def read_chunked_bodies(app):
    """Django reads CONTENT_LENGTH bytes of a body, so a chunked request (no length) would look
    empty. Read it here, up to one byte over Django's cap (which then refuses it), and hand it on
    with its length."""
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**31

    def wrapped(environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(cap + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return wrapped


application = read_chunked_bodies(get_wsgi_application())
