"""Settings for congdoan, read from environment variables (see .env.example).

With no configuration at all it runs on a SQLite file under var/, with DEBUG off and a secret
key generated once and kept under var/.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CONGDOAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "congdoan.core",
    "congdoan.org",
    "congdoan.accounts",
    "congdoan.members",
    "congdoan.enterprises",
    "congdoan.organizing",
    "congdoan.plans",
    "congdoan.imports",
    "congdoan.analytics",
    "congdoan.web",
    "congdoan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congdoan.web.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "congdoan.web.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "congdoan.urls"
WSGI_APPLICATION = "congdoan.wsgi.application"

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
                "congdoan.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'congdoan.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids "database is locked"
    # when two requests upgrade read transactions to writes at once. A 32 MB page cache
    # (2 MB by default) holds the indexes a large import writes into: a 100,000-row roster
    # inserts its people and spans in 2.1 s instead of 3.0 s.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["ENGINE"] = "congdoan.core.sqlite"  # keeps planner statistics
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-32768;"
        ),
    }
else:
    # Parallel plans under a page's LIMIT have each worker scan several times the rows the
    # page needs (the member list at 1,000,000: 662 ms with workers, 153 ms without). Pages
    # run many small queries side by side, so each gets one core unless this says otherwise.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={int(os.environ.get('PG_PARALLEL_WORKERS', '0'))}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "congdoan" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["congdoan.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
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
MEDIA_ROOT = VAR_DIR / "media"
# Whitenoise scans STATIC_ROOT at start-up and warns when it is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Domain settings. Dates a union cannot predate: the Vietnamese trade union was founded on
# 28 Jul 1929, so a unit imported without an effective date is taken to exist since then.
CONGDOAN_HISTORY_START = os.environ.get("CONGDOAN_HISTORY_START", "1929-07-28")
# Failed logins allowed per username and per client address in LOGIN_THROTTLE_WINDOW seconds.
LOGIN_THROTTLE_ATTEMPTS = int(os.environ.get("LOGIN_THROTTLE_ATTEMPTS", "5"))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", "900"))
# Membership rules; the legal texts leave some unconfirmed (see GLOSSARY.md).
MEMBERS_MIN_AGE = int(os.environ.get("MEMBERS_MIN_AGE", "15"))
MEMBERS_READMIT_AFTER_MONTHS = int(os.environ.get("MEMBERS_READMIT_AFTER_MONTHS", "3"))
MEMBERS_SUSPEND_MAX_MONTHS = int(os.environ.get("MEMBERS_SUSPEND_MAX_MONTHS", "12"))
MEMBERS_FOREIGN_WORKERS_FROM = os.environ.get("MEMBERS_FOREIGN_WORKERS_FROM", "2025-07-01")
# Lowest name similarity (0–100) at which two people with no national ID to tell them apart,
# born the same day in the same province, are flagged as possibly one person.
MEMBERS_DUPLICATE_NAME_SCORE = int(os.environ.get("MEMBERS_DUPLICATE_NAME_SCORE", "90"))
MEMBERS_FOREIGN_MIN_CONTRACT_MONTHS = int(
    os.environ.get("MEMBERS_FOREIGN_MIN_CONTRACT_MONTHS", "12")
)
# Enterprises: check the 10th digit of tax codes (the rule is python-stdnum's, not an official
# text), and the workers an enterprise needs to count for coverage when no plan says otherwise.
ENTERPRISES_CHECK_TAX_CODE_DIGIT = env_bool("ENTERPRISES_CHECK_TAX_CODE_DIGIT", True)
ENTERPRISES_MIN_WORKERS = int(os.environ.get("ENTERPRISES_MIN_WORKERS", "20"))
# Founding a grassroots union: applicants the charter asks for at least (GLOSSARY.md).
ORGANIZING_MIN_APPLICANTS = int(os.environ.get("ORGANIZING_MIN_APPLICANTS", "5"))
# Imports refuse larger files at once, and .xlsx/.ods files whose parts unpack to more
# (a zip bomb, or a sheet formatted to its millionth row): a 100,000-row roster is ~6 MB.
IMPORT_MAX_FILE_MB = int(os.environ.get("IMPORT_MAX_FILE_MB", "100"))
IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "1000"))
