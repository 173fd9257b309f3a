"""Django settings. Everything that differs between machines comes from `IOC_*` environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ioc.paths import data_dir, field_key, secret_key


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
FIELD_KEY = field_key(DATA_DIR)
DEBUG = env_bool("IOC_DEBUG")
# Demo mode: demo accounts keep their printed passwords; outside it they must be changed at first login.
DEMO_MODE = env_bool("IOC_DEMO")
ALLOWED_HOSTS = os.environ.get("IOC_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("IOC_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "django_ratelimit",
    "ninja",  # serves Swagger UI's files from here (no CDN): the API docs work on an air-gapped network, under the CSP
    "ioc.core",
    "ioc.dashboard",
    # Domain apps: each registers itself with ioc.core.registry in its AppConfig.ready().
    "ioc.feedback",
    "ioc.hotline",  # after feedback: a call can become a citizen report
    "ioc.publicservice",
    "ioc.sensors",
    "ioc.cameras",
    "ioc.lighting",
    "ioc.directions",
    "ioc.media",
]

MIDDLEWARE = [
    "ioc.core.metrics.MetricsMiddleware",
    "ioc.core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ioc.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ioc.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ioc.core.middleware.RateLimitMiddleware",
    "ioc.core.middleware.InputSanityMiddleware",
    "ioc.core.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ioc.urls"
WSGI_APPLICATION = "ioc.wsgi.application"
ASGI_APPLICATION = "ioc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ioc.core.context_processors.city",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "ioc.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="IOC_DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker and simulators write; IMMEDIATE avoids
        # lock-upgrade deadlocks between those processes, and the timeout waits out short write locks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Tests use a file too (not Django's shared-cache memory database): worker threads in the tests then meet
    # the same WAL and busy-timeout behaviour as in production instead of "table is locked" errors.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ioc.core.passwords.MixedCharactersValidator"},
    {"NAME": "ioc.core.passwords.GuessablePasswordValidator"},
]
# Lockout: LOGIN_FAILURE_LIMIT failures inside LOGIN_FAILURE_WINDOW seconds lock the account for LOGIN_LOCKOUT seconds.
LOGIN_FAILURE_LIMIT = int(os.environ.get("IOC_LOGIN_FAILURE_LIMIT", 5))
LOGIN_FAILURE_WINDOW = int(os.environ.get("IOC_LOGIN_FAILURE_WINDOW", 30))
LOGIN_LOCKOUT = int(os.environ.get("IOC_LOGIN_LOCKOUT", 300))
# Counted per username and address, so nobody can lock a user out from elsewhere; failures from many addresses
# (LOGIN_ACCOUNT_FAILURE_LIMIT within an hour) lock the account itself for LOGIN_ACCOUNT_LOCKOUT seconds, unless an
# administrator unlocks it first.
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("IOC_LOGIN_ACCOUNT_FAILURE_LIMIT", 50))
LOGIN_ACCOUNT_LOCKOUT = int(os.environ.get("IOC_LOGIN_ACCOUNT_LOCKOUT", 3600))
# A city's single sign-on for citizens (OpenID Connect), when the city has one: set the client and the provider's
# endpoints. Unset, citizens sign in with one-time codes only.
OIDC_RP_CLIENT_ID = os.environ.get("IOC_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("IOC_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("IOC_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("IOC_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("IOC_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("IOC_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("IOC_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_AUTHENTICATION_CALLBACK_URL = "feedback:sso_callback"
OIDC_USE_PKCE = True
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if OIDC_RP_CLIENT_ID:  # the provider's backend only when there is a provider (it needs every endpoint set)
    AUTHENTICATION_BACKENDS.append("ioc.feedback.sso.CitizenSSOBackend")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = int(os.environ.get("IOC_SESSION_SECONDS", 8 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("IOC_HTTPS"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Request bodies: JSON and forms up to 2 MiB, file uploads up to 10 MiB (refused with 413 before they are read).
MAX_BODY_BYTES = int(os.environ.get("IOC_MAX_BODY_BYTES", 2 * 1024 * 1024))
# NGSI-LD notifications go to subscribers' HTTP endpoints; loopback and link-local addresses (cloud metadata, the
# server itself) are refused unless this is set, so a subscription cannot be used to reach them (SSRF).
NGSI_NOTIFY_ALLOW_LOCAL = env_bool("IOC_NGSI_NOTIFY_ALLOW_LOCAL")
MAX_UPLOAD_BYTES = int(os.environ.get("IOC_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Detector models (ONNX) uploaded by administrators are larger than photos: their admin page alone takes this much.
MAX_MODEL_BYTES = int(os.environ.get("IOC_MAX_MODEL_BYTES", 200 * 1024 * 1024))
# Media monitoring: seconds between two requests to the same web host (politeness; tests shorten it).
IOC_MEDIA_HOST_DELAY_S = float(os.environ.get("IOC_MEDIA_HOST_DELAY_S", 5))
# Host names on private addresses media collection may still fetch from (a city's intranet portal), comma-separated;
# any other private, loopback or link-local address is refused, so links cannot reach the city's own servers.
IOC_MEDIA_PRIVATE_HOSTS = [h.strip() for h in os.environ.get("IOC_MEDIA_PRIVATE_HOSTS", "").split(",") if h.strip()]
# Platforms read through their APIs: keys from the environment, never the repository.
IOC_YOUTUBE_API_KEY = os.environ.get("IOC_YOUTUBE_API_KEY", "")
IOC_YOUTUBE_API_URL = os.environ.get("IOC_YOUTUBE_API_URL", "https://www.googleapis.com/youtube/v3")
IOC_YOUTUBE_DAILY_QUOTA = int(os.environ.get("IOC_YOUTUBE_DAILY_QUOTA", 10_000))
IOC_FACEBOOK_TOKEN = os.environ.get("IOC_FACEBOOK_TOKEN", "")
IOC_FACEBOOK_API_URL = os.environ.get("IOC_FACEBOOK_API_URL", "https://graph.facebook.com/v21.0")
LARGE_UPLOAD_PATHS = {"/admin/cameras/detectormodel/": MAX_MODEL_BYTES}
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
ATTACHMENT_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}

EMAIL_BACKEND = os.environ.get("IOC_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("IOC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("IOC_EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("IOC_EMAIL_FROM", "ioc@laichau.gov.vn")

# The cache holds rate-limit counters: per process in the embedded setup (one web process), Redis when shared.
# Redis is the task queue too (IOC_REDIS_URL). Every Redis command retries through a short outage (a restart takes
# about a second): a request that committed must not fail, nor its on-commit task be lost, because Redis blinked.
if redis_url := os.environ.get("IOC_REDIS_URL"):
    from redis import ConnectionError as RedisConnectionError
    from redis import ConnectionPool
    from redis import TimeoutError as RedisTimeoutError
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    REDIS_RETRY = {
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=15),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError, ConnectionRefusedError],
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": REDIS_RETRY,
        }
    }
    HUEY = {
        # Tasks are acknowledged once run: a consumer killed mid-task does not lose it (ioc.core.taskqueue).
        "huey_class": "ioc.core.taskqueue.AcknowledgingRedisHuey",
        "name": "ioc",
        "connection_pool": ConnectionPool.from_url(redis_url, **REDIS_RETRY),
        "immediate": False,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Background jobs: Huey on a SQLite file in the data dir (embedded).
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ioc",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": env_bool("IOC_TASKS_IMMEDIATE"),
    }
# One web process in the embedded setup, so its in-process counters are exact there.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Several web processes (gunicorn under `ioc cluster`) count requests into shared files there; /metrics adds them up.
METRICS_MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

IOC = {
    # NGSI-LD @context documents are fetched only from these hosts (and their subdomains), then cached in the data
    # dir; an air-gapped city preloads them with `ioc sensors load-context`. The core context is bundled.
    "JSONLD_CONTEXT_HOSTS": [
        h.strip()
        for h in os.environ.get(
            "IOC_JSONLD_HOSTS",
            "uri.etsi.org,forge.etsi.org,smartdatamodels.org,raw.githubusercontent.com,fiware.github.io",
        ).split(",")
        if h.strip()
    ],
    # The broker has one tenant; clients configured with a tenant (an IoT Agent's service) may name it by one of
    # these (IOC_NGSI_TENANT_NAMES="openiot,laichau"). Any other NGSILD-Tenant is refused.
    "NGSI_TENANT_NAMES": [t.strip() for t in os.environ.get("IOC_NGSI_TENANT_NAMES", "").split(",") if t.strip()],
    # A temporal NGSI-LD answer holds at most this many attribute instances; more come page by page (206 with a
    # Content-Range, clause 6.3.10), as a client asks for the next time window.
    "NGSI_TEMPORAL_LIMIT": int(os.environ.get("IOC_NGSI_TEMPORAL_LIMIT", 1000)),
    # Alerts of the same source and kind inside this window fold into one with a count.
    "ALERT_FOLD_MINUTES": int(os.environ.get("IOC_ALERT_FOLD_MINUTES", 30)),
    # The acknowledgement clock per priority (1 = answer first), in minutes: an alert nobody acknowledged by then
    # is escalated to the leaders on duty and sounds on the wall. "P1=5,P2=15,..." in IOC_RESPOND_MINUTES.
    "RESPOND_MINUTES": {
        1: 5,
        2: 15,
        3: 60,
        4: 240,
        **{
            int(k.strip().lstrip("Pp")): int(v)
            for k, v in (item.split("=") for item in os.environ.get("IOC_RESPOND_MINUTES", "").split(",") if item)
        },
    },
    # Targets of the leader's figures as (target, amber band): the plan's where it gives them (public services on
    # time, 20–30 % lighting energy saved), the city's usual ones otherwise; an administrator overrides them (admin).
    "KPI_TARGETS": {
        "publicservice.on_time": (95, 5),
        "publicservice.late": (5, 5),
        "feedback.on_time": (90, 5),
        "feedback.satisfaction": (80, 10),
        "feedback.overdue": (0, 5),
        "lighting.saving": (20, 5),
        "directions.on_time": (90, 10),
        "directions.overdue": (0, 2),
        "core.overdue_incidents": (0, 2),
    },
    # The big-screen wall shows each domain's board in turn for this many seconds.
    "WALL_ROTATE_SECONDS": int(os.environ.get("IOC_WALL_ROTATE_SECONDS", 20)),
    # The KPI tiles each role sees on the live map's strip until the user chooses their own (the rest are one click
    # away). Registry keys; unknown keys are skipped, so a city without a domain keeps the others.
    "ROLE_TILES": {
        "operator": [
            "core.open_alerts",
            "core.critical_alerts",
            "core.open_incidents",
            "core.overdue_incidents",
            "core.minutes_to_ack",
            "feedback.overdue",
            "sensors.triggered",
            "cameras.offline",
            "lighting.faulty",
        ],
        "department_officer": [
            "core.open_incidents",
            "core.overdue_incidents",
            "directions.open",
            "feedback.open",
            "feedback.overdue",
            "publicservice.processing",
            "publicservice.late",
        ],
        "ward_officer": [
            "core.open_alerts",
            "core.open_incidents",
            "core.overdue_incidents",
            "directions.open",
            "feedback.open",
            "feedback.overdue",
            "publicservice.processing",
            "sensors.triggered",
            "lighting.faulty",
        ],
        "leader": [
            "core.open_incidents",
            "core.overdue_incidents",
            "directions.overdue",
            "feedback.on_time",
            "feedback.satisfaction",
            "publicservice.on_time",
            "lighting.saving",
        ],
    },
    # Alerts within this distance (metres) of a sensitive place in the profile (school, hospital, slope) rank higher.
    "SENSITIVE_RADIUS_M": int(os.environ.get("IOC_SENSITIVE_RADIUS_M", 300)),
    # Map tiles: any XYZ URL; with none reachable, the map still shows the unit boundaries.
    "TILE_URL": os.environ.get("IOC_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "TILE_ATTRIBUTION": os.environ.get("IOC_TILE_ATTRIBUTION", "© OpenStreetMap contributors"),
    "API_PAGE_MAX": 500,
    # Per-IP rates (django-ratelimit syntax) for anonymous API calls, login attempts and bearer-token clients.
    "RATE_PUBLIC": os.environ.get("IOC_RATE_PUBLIC", "120/m"),
    "RATE_LOGIN": os.environ.get("IOC_RATE_LOGIN", "20/m"),
    "RATE_TOKEN": os.environ.get("IOC_RATE_TOKEN", "6000/m"),
    "BEHIND_PROXY": env_bool("IOC_BEHIND_PROXY"),
    # Citizen reports: per address and per phone/email.
    "RATE_REPORT": os.environ.get("IOC_RATE_REPORT", "10/h"),
    # Sign-in codes asked for, per address (each contact also gets at most five an hour).
    "RATE_SIGN_IN": os.environ.get("IOC_RATE_SIGN_IN", "10/h"),
    # Street lighting: the electricity price (VND/kWh, set to the current EVN tariff for public lighting).
    "LIGHTING_TARIFF_VND": float(os.environ.get("IOC_LIGHTING_TARIFF_VND", 2000)),
    # The MQTT broker commands to devices are published on (none: commands wait in the database, as in the demo,
    # whose simulated controllers take them from there).
    "MQTT_HOST": os.environ.get("IOC_MQTT_HOST") or None,
    "MQTT_PORT": int(os.environ.get("IOC_MQTT_PORT", 1883)),
    "MQTT_USER": os.environ.get("IOC_MQTT_USER") or None,
    "MQTT_PASSWORD": os.environ.get("IOC_MQTT_PASSWORD") or None,
    # Behind nginx: the `internal` location that serves the media dir (e.g. /protected-media/), so checked file
    # reads are sent by nginx (X-Accel-Redirect); unset, Django sends them.
    "MEDIA_ACCEL_PREFIX": os.environ.get("IOC_MEDIA_ACCEL_PREFIX", ""),
    # Where users reach this IOC: links in emails, SMS and Zalo messages are built on it.
    "BASE_URL": (os.environ.get("IOC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(DATA_DIR / "logs" / "ioc.log"),
            "maxBytes": 5 * 1024 * 1024,
            "backupCount": 3,
            "formatter": "plain",
        },
    },
    # IOC_LOG_CONSOLE=0 (the tests) logs to the file only.
    "root": {
        "handlers": ["console", "file"] if env_bool("IOC_LOG_CONSOLE", True) else ["file"],
        "level": os.environ.get("IOC_LOG_LEVEL", "WARNING"),
    },
    "loggers": {
        "ioc": {"level": os.environ.get("IOC_LOG_LEVEL", "INFO")},
        "huey": {"level": "WARNING", "handlers": ["file"], "propagate": False},
    },
}
