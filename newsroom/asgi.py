"""The app for ASGI servers: production, so with DEBUG off it needs its settings."""

import os

import django

from newsroom.bodies import ASGIHandler
from newsroom.env import load_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
load_settings(serving=True)
django.setup(set_prefix=False)
# Django's get_asgi_application(), with a handler that refuses an oversized body before reading it.
application = ASGIHandler()
