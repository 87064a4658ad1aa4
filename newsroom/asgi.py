"""The app for ASGI servers: production, so with DEBUG off it needs its settings."""

import os

from django.core.asgi import get_asgi_application

from newsroom.env import load_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
load_settings(serving=True)
application = get_asgi_application()
