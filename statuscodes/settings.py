"""The one settings module: every deployment difference comes from an environment variable."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a strict boolean: True/False (any case), 1/0, yes/no; anything else is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    """Split a comma-separated variable into its non-empty, stripped items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is False. "
            "Set it to a long random string, or set DJANGO_DEBUG=True for local development."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-debug-on"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "reversion",
    "statuscodes",
]

MIDDLEWARE = [
    "statuscodes.middleware.health_checks",
    "statuscodes.replay.replay_cached_pages",  # before the rest: it answers what they would
    "django.middleware.security.SecurityMiddleware",
    "statuscodes.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "statuscodes.middleware.DatabaseUnavailable",
    "axes.middleware.AxesMiddleware",  # last: it turns a flagged login into the 429 page
]

ROOT_URLCONF = "statuscodes.urls"
WSGI_APPLICATION = "statuscodes.wsgi.application"

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
                "statuscodes.views.site_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A database that hangs or is locked must cost a request seconds, not gunicorn's 30 s worker
# timeout: these errors surface as a clean 503 (middleware.DatabaseUnavailable).
DATABASE_TIMEOUT = env_int("DATABASE_TIMEOUT", 3)  # seconds: connecting, waiting for a lock
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DATABASE_TIMEOUT,
        # server side: no statement or lock wait runs longer than this
        options=f"-c statement_timeout={DATABASE_TIMEOUT * 1000} -c lock_timeout={DATABASE_TIMEOUT * 1000}",
        # client side: a server host that stops answering drops the connection instead of hanging
        tcp_user_timeout=DATABASE_TIMEOUT * 1000,
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=1,
        keepalives_count=3,
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = DATABASE_TIMEOUT  # busy wait on a lock
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared Redis cache lets many gunicorn instances serve one page cache; without it each
# process keeps its own. Either way cache keys carry the content revision read from the
# database, so an edit made through any instance is seen by all of them at once.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "statuscodes",
            # A Redis that is down or hung costs a request half a second at most, then the page is
            # rendered without the cache (caching.cache_call).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "statuscodes.memory_cache.BoundedMemoryCache",
            "OPTIONS": {"MAX_ENTRIES": 5000, "MAX_BYTES": env_int("PAGE_CACHE_MB", 64) * 1024 * 1024},
        }
    }

# How long browsers and CDNs may keep a page before revalidating it with its ETag.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login throttling (django-axes). Failures are counted in the database, so every instance
# sharing it sees the same counters. After AXES_FAILURE_LIMIT failures for one username from one
# address, or AXES_IP_FAILURE_LIMIT from one address whatever the usernames, that login is
# refused for AXES_COOLOFF_TIME with a 429 page (statuscodes.login_throttle holds the code).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a paused login before a password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front that each append the address they received from to X-Forwarded-For. With 0
# the header is ignored: a client could write anything there to dodge the limits.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "statuscodes.login_throttle.client_ip"
AXES_HANDLER = "statuscodes.login_throttle.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # in this order: LoginThrottle
AXES_FAILURE_LIMIT = 5  # one username from one address
AXES_IP_FAILURE_LIMIT = 20  # one address, all usernames together (ours, read by LoginThrottle)
AXES_COOLOFF_TIME = 15 / 60  # hours: failures older than 15 minutes no longer count
# Attempts during a pause are refused without being counted, so the pause ends when the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login clears nothing (axes' default, stated): otherwise anyone with an account could
# wipe the failures counted against their address and go on guessing other editors' passwords.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "statuscodes.login_throttle.paused_response"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Production hardening; `manage.py check --deploy` is clean with DJANGO_DEBUG=False.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Features no page uses are switched off for the page and anything it could embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "statuscodes.log_filters.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "one_line": {"class": "logging.StreamHandler", "filters": ["without_traceback"]},
    },
    "loggers": {
        # A spoofed Host is answered 400; one line says so, without a traceback per probe.
        "django.security.DisallowedHost": {"handlers": ["one_line"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
