"""The newsroom's public identity, for what is read away from any request.

An export file, a JSON-LD document or an API answer names articles and annotations by absolute
URLs. They are built from ``NEWSROOM_URL`` rather than from a request's Host header, so that a
file exported on the command line names the same addresses as a download from the site, and a
forged Host header cannot put another site's name in them.
"""

from django.conf import settings
from django.urls import get_script_prefix, reverse


def absolute(path: str) -> str:
    """``path`` (from the site's root, or as ``reverse()`` gives it) under the newsroom's public URL.

    ``NEWSROOM_URL`` includes the path the app is mounted at, if any; ``reverse()`` adds that
    mount point within a request (and not on the command line), so it is taken off first.
    """
    prefix = get_script_prefix()
    relative = path.removeprefix(prefix) if path.startswith(prefix) else path.lstrip("/")
    return settings.NEWSROOM_URL + "/" + relative


def absolute_url(viewname: str, *args) -> str:
    return absolute(reverse(viewname, args=args))


def name() -> str:
    return settings.NEWSROOM_NAME
