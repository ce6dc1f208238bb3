"""All settings, read from the environment (see .env.example).

Nothing here is secret: keys come from the environment, or, for a zero-setup demo, from a file
created once in the data directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets admin and model classes take type parameters at run time (ModelAdmin[Model]).
django_stubs_ext.monkeypatch()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def _local_secret(path: Path) -> str:
    """A random key kept in the data directory, so a demo needs no configuration."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("XINFANG_DATA_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or _local_secret(DATA_DIR / "secret_key")
# Personal data (ID numbers, phones) is encrypted with a key derived from this; keep it apart from
# SECRET_KEY in production so that rotating one does not lose the other.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY") or SECRET_KEY
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
# Behind an HTTPS reverse proxy: the origins forms are posted from, and the header the proxy sets.
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS").split(",") if o]
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.holidays",
    "xinfang.documents",
    "xinfang.petitions",
    "xinfang.web",
    "xinfang.portal",
    "xinfang.supervision",
    "xinfang.disputes",
    "xinfang.reports",
    "xinfang.routing",
    "xinfang.ledgers",
    "xinfang.bulkimport",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "xinfang.urls"
WSGI_APPLICATION = "xinfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinfang.web.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xinfang.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # The app's queries are short and index-driven; PostgreSQL's JIT (on by default) spends 15–25 ms
    # compiling whenever the planner over-estimates a count (BENCHMARKS.md). PG_OPTIONS overrides.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str("PG_OPTIONS", "-c jit=off")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Read replicas (docs/scaling.md): DATABASE_REPLICA_URLS is a comma-separated list of PostgreSQL
# streaming replicas; each becomes an alias replica1, replica2, ... and xinfang.core.dbrouter sends the
# read-only screens' queries there. With none configured nothing is routed and only `default` exists.
XINFANG_REPLICAS: list[str] = []
for _n, _url in enumerate((u.strip() for u in env_str("DATABASE_REPLICA_URLS").split(",")), start=1):
    if not _url:
        continue
    _alias = f"replica{_n}"
    _replica = dj_database_url.parse(_url, conn_max_age=env_int("CONN_MAX_AGE", 0))
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ValueError(f"DATABASE_REPLICA_URLS: {_alias} is not the same kind of database as DATABASE_URL")
    _replica.setdefault("OPTIONS", {}).update(DATABASES["default"].get("OPTIONS", {}))
    _replica["CONN_HEALTH_CHECKS"] = True
    # Tests run against the primary's test database through this alias (as a replica shows the same rows).
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[_alias] = _replica
    XINFANG_REPLICAS.append(_alias)
XINFANG_REPLICA_PIN_SECONDS = env_int("XINFANG_REPLICA_PIN_SECONDS", 5)
if XINFANG_REPLICAS:
    DATABASE_ROUTERS = ["xinfang.core.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "xinfang.core.dbrouter.ReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Browser libraries come from npm (`npm ci --omit=dev`, package-lock.json), never from a CDN.
NODE_MODULES = Path(env_str("XINFANG_NODE_MODULES", str(BASE_DIR.parent / "node_modules")))
STATICFILES_DIRS = (
    [("vendor/echarts", NODE_MODULES / "echarts" / "dist")] if (NODE_MODULES / "echarts").exists() else []
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The session's user is read with the org and its parent (xinfang/core/auth.py).
AUTHENTICATION_BACKENDS = ["xinfang.core.auth.OrgModelBackend"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xinfang.core.auth.OrgTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xinfang.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xinfang 信访事项办理系统 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PetitionKindEnum": "xinfang.petitions.models.Kind",
        "PetitionerKindEnum": "xinfang.petitions.models.PetitionerKind",
        "ChannelEnum": "xinfang.petitions.models.Channel",
        "StateEnum": "xinfang.petitions.models.State",
    },
}

# Background work (the sweep, notifications, retraining, routing fingerprints): Django's task framework.
# By default its database backend, run by `xinfang worker` (= `xinfang db_worker`). With
# TASKS_BROKER_URL (redis://host:6379/1) the same tasks go to a Redis queue (RQ, through
# django-tasks-rq; `pip install 'xinfang[broker]'`) and `xinfang worker` runs an RQ worker instead: any
# number of them, on any machine (docs/scaling.md). TASKS_BACKEND overrides the choice outright.
TASKS_BROKER_URL = env_str("TASKS_BROKER_URL")
TASKS_QUEUE_TIMEOUT = env_int("TASKS_QUEUE_TIMEOUT", 3600)  # seconds one task may run on the broker
RQ_QUEUES = (
    {"default": {"URL": TASKS_BROKER_URL, "DEFAULT_TIMEOUT": TASKS_QUEUE_TIMEOUT}} if TASKS_BROKER_URL else {}
)
if TASKS_BROKER_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks_rq.RQBackend" if TASKS_BROKER_URL else "django_tasks_db.DatabaseBackend",
        )
    }
}

# A cache shared by every process (rate limits of the public portal count across workers): the
# database by default, Redis when REDIS_URL is set.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xinfang_cache"}
    )
}

# The legal clock (DESIGN.md §3). A calendar-day limit whose last day is not a working day ends on
# the next working day (民法典 第二百零三条); bureaus that read the 条例 strictly can switch it off.
XINFANG_ROLL_TO_WORKDAY = env_bool("XINFANG_ROLL_TO_WORKDAY", True)
# Days before a due date at which a stage counts as near due (临期).
XINFANG_NEAR_DUE_DAYS = env_int("XINFANG_NEAR_DUE_DAYS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
