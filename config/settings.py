"""One settings module for development, tests and production; every knob is an env variable."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
import leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_list, env_secret, env_str

django_stubs_ext.monkeypatch()  # ModelAdmin[...] and friends subscriptable at run time

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Required when DEBUG is off. With DEBUG on and none given, each machine makes its own random
# keys in var/ (0600) on first start and keeps them: never a constant from this repository, which
# anyone can read (config.env.dev_secret says why).
SECRET_KEY = env_secret(
    "SECRET_KEY", debug=DEBUG, min_length=1, dev_file=BASE_DIR / "var" / "dev-secret-key"
)
# Seals each round's signing key at rest (HKDF, then AES-GCM).
SIGNING_KEK = env_secret(
    "SIGNING_KEK", debug=DEBUG, min_length=32, dev_file=BASE_DIR / "var" / "dev-signing-kek"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "channels",
    "projects",
    "ballots",
    "tracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.site",
                "tracking.context_processors.inbox",
            ],
        },
    },
]


def _database(url: str) -> dict[str, object]:
    try:
        # No persistent connections: under ASGI each request may run on a fresh thread, and kept
        # connections pile up until PostgreSQL refuses clients (seen in bench_tracking).
        config = dict(dj_database_url.parse(url, conn_max_age=0))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        (BASE_DIR / "var").mkdir(exist_ok=True)
        # Wait for a lock and take it up front, so concurrent writers queue instead of failing.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        config["CONN_MAX_AGE"] = 0
        # A file, not memory, so the test servers' threads and processes can open it too; one per
        # test process in the temp folder, so that runs side by side never share one, and nothing a
        # test does lands in var/ (the demo's own database and printed cards live there).
        scratch = Path(tempfile.gettempdir()) / f"minsheng-test-{os.getpid()}.sqlite3"
        config["TEST"] = {"NAME": str(scratch)}
    return config


DATABASES = {
    "default": _database(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("REDIS_PREFIX", "minsheng")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_PREFIX", "minsheng"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # years stay "2027"; amounts group explicitly (floatformat "2g")
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Leaflet's own files ship inside django-leaflet; its app is not installed (it would pull in GDAL).
STATICFILES_DIRS = [BASE_DIR / "config" / "static", Path(leaflet.__file__).parent / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through an access-checked view
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security: secure cookies unless running the local demo over plain http.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Map tiles are the one thing a browser may fetch from elsewhere; empty = no base layer (offline).
# No online tiles unless set: a hall often has no internet, and a grey box helps nobody there.
# The public address printed in QR codes (signs, cards); empty: the address a request came in on.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ORIGIN = (
    "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL.replace("{s}", "a")))
    if MAP_TILE_URL
    else ""
)
MAP_DEFAULT_CENTER = (29.29, 121.43)  # Ninghai county, where 票决制 began

# Attachments: what a station may upload to a candidate.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Request bodies are refused over these sizes before they are read (config/body_limit.py).
API_BODY_MAX_BYTES = env_int("API_BODY_MAX_BYTES", 256 * 1024)  # a 999-item ballot fits
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", ATTACHMENT_MAX_BYTES + 2 * 1024 * 1024)
IMPORT_MAX_BYTES = 5 * 1024 * 1024

# Casting and the hall (docs/casting.md): PostgreSQL connections each server process keeps for
# casts; how long a hall notice waits to take in the casts that follow it.
# A few busy connections per core serve PostgreSQL best (docs/casting.md: 4 against 10, measured).
CAST_POOL_SIZE = env_int("CAST_POOL_SIZE", 4)
HALL_COALESCE_SECONDS = env_float("HALL_COALESCE_SECONDS", 0.2)
IMPORT_MAX_ROWS = 2000

SITE_TITLE = _("Livelihood Projects Vote")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Mail (the sweep's notices): SMTP from the environment; the demo and tests print or keep it.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST", "")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "minsheng@localhost")

# The public's voice (码上评 / 码上提, docs/public-voice.md): text messages for phone ratings, and
# how many ratings, reports and code requests one address may send per window (the cache counts).
SMS_BACKEND = env_str("SMS_BACKEND", "tracking.sms.ConsoleBackend")
VOICE_RATE_LIMIT = env_int("VOICE_RATE_LIMIT", 20)
VOICE_RATE_WINDOW = env_int("VOICE_RATE_WINDOW", 600)  # seconds
