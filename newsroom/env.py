"""Typed environment variables that fail loudly on nonsense; the local secret key; settings loaded for a process."""

import os
import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# How a configuration error ends the process: 2 from manage.py, a usage error like argparse's;
# 4 from the served app, which gunicorn's master takes as "App failed to load" and stops on
# (after any other status it would start the worker again and again).
MANAGE_EXIT_STATUS = 2
SERVE_EXIT_STATUS = 4


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is too small; it must be at least {minimum}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    """One of `choices`; the default when unset or blank."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(choices)}.")
    return raw


def env_url(name: str) -> str:
    """An http(s) URL or a path from the site root; empty when unset.

    Nothing that would end a header's value early: no whitespace, ``;`` or ``,``.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    absolute = parts.scheme in ("http", "https") and parts.netloc
    from_root = not parts.scheme and not parts.netloc and parts.path.startswith("/")
    if not (absolute or from_root) or any(char.isspace() or char in ";," for char in raw):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a URL: use https://host/path or a path starting with /.")
    return raw


def env_site_url(name: str, default: str) -> str:
    """The site's public root, ``http(s)://host[/prefix]``, without a trailing slash."""
    raw = os.environ.get(name, "").strip() or default
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a site URL: use https://host or https://host/prefix.")
    return raw.rstrip("/")


def local_secret_key(path: Path) -> str:
    """The checkout's own SECRET_KEY, kept in `path` (mode 0600), made the first time it is needed.

    The key is written to a temporary file first and then linked into place, which fails if `path`
    exists: two processes starting at once both end up with the key linked first, and nobody ever
    reads a half-written file.
    """
    if key := _read_key(path):
        return key
    key, temporary = secrets.token_urlsafe(50), None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)  # mode 0600
        with os.fdopen(descriptor, "w") as file:
            file.write(key + "\n")
        os.link(temporary, path)
        return key
    except FileExistsError:
        return _read_key(path) or key  # another process made one at the same moment: theirs it is
    except OSError as error:
        raise ImproperlyConfigured(
            f"Set SECRET_KEY: it is not in the environment, and no local key can be kept in {path} ({error.strerror})."
        ) from None
    finally:
        if temporary:
            os.unlink(temporary)


def _read_key(path: Path) -> str | None:
    """The key in `path`; None if there is no such file."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ImproperlyConfigured(f"Set SECRET_KEY, or make {path} readable ({error.strerror}).") from None
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it to have a new key made, or set SECRET_KEY.")
    return key


def require_production_settings() -> None:
    """Refuse to serve the app with DEBUG off unless SECRET_KEY and ALLOWED_HOSTS come from the environment.

    Management commands make do with a local key and local host names (settings.py); a server
    does not. Checked before the settings load, so no local key is ever made for a server.
    """
    if env_bool("DEBUG", False):
        return
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not env_str(name).strip()]
    if missing:
        raise ImproperlyConfigured(f"Set {' and '.join(missing)} to serve Newsroom in production (DEBUG is off).")


def load_settings(*, serving: bool = False) -> None:
    """Load the settings now, or end the process with the configuration error in one line, no traceback.

    `serving`: for the WSGI and ASGI application, which first checks require_production_settings().
    """
    try:
        if serving:
            require_production_settings()
        settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them all)
    except ImproperlyConfigured as error:
        print(f"Configuration error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(SERVE_EXIT_STATUS if serving else MANAGE_EXIT_STATUS) from None
