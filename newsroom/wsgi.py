"""The app for WSGI servers (gunicorn, granian): production, so with DEBUG off it needs its settings."""

import os

from django.core.wsgi import get_wsgi_application

from newsroom.env import load_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
load_settings(serving=True)
application = get_wsgi_application()
