"""Jisr settings: one module, typed env helpers, fail loudly.

Environment variables (all optional in development):

- `JISR_ENV`            `development` (default) or `production`.
- `JISR_DATA_DIR`       where the SQLite file and development keys live (default `./var`).
- `DATABASE_URL`        e.g. `postgres://user@host:5432/jisr`; default SQLite in JISR_DATA_DIR.
- `SECRET_KEY` / `SECRET_KEY_FILE`            Django's signing key (sessions, CSRF).
- `JISR_MASTER_KEY` / `JISR_MASTER_KEY_FILE`  key-encryption key(s) for survivor data: base64 of 32 bytes;
  several comma-separated keys during a rotation, the first one current.
- `JISR_ALLOWED_HOSTS`  comma-separated host names (production).
- `JISR_TIME_ZONE`      default `Africa/Casablanca`.
- `JISR_EXPECTED_POPULATION`  expected number of persons over five years; sizes blind indexes.
- `JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS`  oldest referral envelope accepted from a partner (default 14).
- `JISR_REFERRAL_INBOX_RATE`             requests per client address on the partner inbox ("120/min").

In development, missing keys are generated once into JISR_DATA_DIR (git-ignored). In production the
process refuses to start without them and says which one is missing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from jisr.config.env import (
    ConfigurationError,
    development_secret,
    env_bool,
    env_choice,
    env_int,
    env_secret,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

JISR_ENV = env_choice("JISR_ENV", "development", ("development", "production"))
PRODUCTION = JISR_ENV == "production"
# Default: `var/` of the source checkout when running from one (so `.venv/bin/jisr` finds the same
# database from any folder), else `./var`.
_CHECKOUT = PACKAGE_DIR.parents[1]
DATA_DIR = Path(
    env_str("JISR_DATA_DIR", str(_CHECKOUT / "var") if (_CHECKOUT / "pyproject.toml").exists() else "./var")
).resolve()
TESTING = "pytest" in sys.modules


def _require_secret(name: str, dev_filename: str, make: str) -> str:
    value = env_secret(name)
    if value:
        return value
    if PRODUCTION:
        raise ConfigurationError(
            f"JISR_ENV=production and {name} is missing: set {name} or {name}_FILE "
            f"(see README, 'Running in production')."
        )
    return development_secret(DATA_DIR, dev_filename, make)


SECRET_KEY = _require_secret("SECRET_KEY", "secret_key", "token")
JISR_MASTER_KEYS = [k.strip() for k in _require_secret("JISR_MASTER_KEY", "master_key", "key256").split(",")]
# The development key file, which `jisr rotate_keys` may rewrite; None when keys come from the
# operator (JISR_MASTER_KEY or JISR_MASTER_KEY_FILE), whose files Jisr never writes.
JISR_MASTER_KEY_DEV_FILE = None if env_secret("JISR_MASTER_KEY") else DATA_DIR / "master_key"
JISR_EXPECTED_POPULATION = env_int("JISR_EXPECTED_POPULATION", 20_000)
# A second factor (TOTP) for every role that touches survivor data: on by default in production; the
# development demo can turn it on with JISR_REQUIRE_MFA=true.
JISR_REQUIRE_MFA = env_bool("JISR_REQUIRE_MFA", default=PRODUCTION)
# The oldest referral envelope accepted from a partner, in days since it was signed, whatever expiry the
# sender wrote in it (a .jisr file carried by hand takes days; a months-old one is a mistake or a replay).
# 1 to 365 (referrals.envelope.MAX_AGE_LIMIT, up to which the replay cache remembers ids).
JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS = env_int("JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS", 14)
# Requests one client address may send to the partner inbox ("<n>/<s|min|hour>"; referrals.api.inbox_rate
# checks the shape). Empty: 120/min, or unlimited in practice under tests.
JISR_REFERRAL_INBOX_RATE = env_str("JISR_REFERRAL_INBOX_RATE", "")
_RATE = r"[1-9]\d*/(s|sec|second|min|minute|h|hour)"
if JISR_REFERRAL_INBOX_RATE and not re.fullmatch(_RATE, JISR_REFERRAL_INBOX_RATE):
    raise ConfigurationError("JISR_REFERRAL_INBOX_RATE must look like 120/min (a count, then /s, /min or /hour)")
if not 1 <= JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS <= 365:
    raise ConfigurationError("JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS must be between 1 and 365")

# Off by default even in development: Django's debug pages show local variables, which can hold
# decrypted survivor data. Opt in with JISR_DEBUG=true on a machine with generated data only.
DEBUG = env_bool("JISR_DEBUG", default=False)
ALLOWED_HOSTS = [h for h in env_str("JISR_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",") if h]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("JISR_ENV=production and JISR_ALLOWED_HOSTS is missing")

INSTALLED_APPS = [
    # Jisr's apps first: where a msgid is in Django's or a library's catalogue too ("Filter", "Spain"),
    # the app's own translation is the one shown (Django merges catalogues in this order).
    "jisr.common",
    "jisr.crypto",
    "jisr.accounts",
    "jisr.audit",
    "jisr.survivors",
    "jisr.cases",
    "jisr.outcomes",
    "jisr.statistics",
    "jisr.roadmap",
    "jisr.care",
    "jisr.identification",
    "jisr.referrals",
    "jisr.web",
    "jisr.api",
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
    "django_countries",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jisr.common.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After a login, the language cookie from the user's language (needs the session, auth and locale above).
    "jisr.accounts.middleware.LoginLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jisr.common.middleware.NoStoreForStaffMiddleware",
    "jisr.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jisr.config.urls"
WSGI_APPLICATION = "jisr.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "jisr.web.context_processors.navigation",
            ],
        },
    },
]
# Form widgets, labels and error lists through Django's own Jinja2 templates (django/forms/jinja2): the same
# markup as its Django-template ones, rendered in about half the time (a care-plan tab renders dozens).
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'jisr.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for a concurrent writer instead of failing at once; IMMEDIATE so a write transaction takes
    # the lock at BEGIN (no deadlock-prone lock upgrade between two writers).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The covering index of survivors.Person (created_at beside the id) is PostgreSQL's; SQLite builds it
    # without the extra column, which is all it needs: no warning on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out username+address pairs first
    # Django's ModelBackend, loading the membership with the user (one query instead of three a request).
    "jisr.accounts.backends.MembershipModelBackend",
]

# --- Login throttling (django-axes): lock a username *from one address*, so that an attacker cannot
# lock a case worker out from everywhere, and a shared office address does not lock out everyone. ---
AXES_FAILURE_LIMIT = env_int("JISR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# Behind a reverse proxy, set JISR_PROXY_COUNT to the number of proxies in front of Jisr so the client's
# own address is used (otherwise every request shows the proxy's address).
AXES_IPWARE_PROXY_COUNT = env_int("JISR_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_int("JISR_PROXY_COUNT", 0) else ["REMOTE_ADDR"]
)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2id at full cost makes a large persona suite slow; production never takes this branch.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ar"
# Our own date formats (day first everywhere, no bidi marks that reverse dates in Arabic text).
FORMAT_MODULE_PATH = ["jisr.formats"]
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("JISR_TIME_ZONE", "Africa/Casablanca")
LANGUAGE_COOKIE_NAME = "jisr_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves static files from the app itself (no CDN, no extra web server to configure);
# in development straight from the apps' static folders, in production from `jisr collectstatic`.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, content-hashed static files in production (long cache, safe to update).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Sessions and browser protections (OWASP ASVS L2) ---
SESSION_COOKIE_AGE = 30 * 60  # idle timeout: 30 minutes, renewed while the user is active
# Renewed at most once a minute by jisr.common.middleware.SessionIdleRefreshMiddleware, not by a write on
# every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("JISR_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("JISR_BEHIND_PROXY", False) else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): nothing but our own origin; no inline script or style
# attribute anywhere (templates keep JavaScript in static files, data in json_script blocks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Permissions-Policy: no camera, microphone, geolocation… (a survivor's location must never leak).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
        "browsing-topics",
    )
}

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's token authentication, refused for roles that need a second factor (a token carries none).
        "jisr.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "jisr.api.parsers.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "jisr.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "jisr.api.errors.exception_handler",
    # Rate limits on the API (429 beyond them): per user, and per address for anonymous calls (the
    # partner inbox). Generous for people and scripts; a runaway client is stopped.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("JISR_API_USER_RATE", "100000/min" if TESTING else "600/min"),
        "anon": env_str("JISR_API_ANON_RATE", "100000/min" if TESTING else "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jisr API",
    "DESCRIPTION": "People and cases, scoped to the requesting user. Identifiers are UUIDs; no personal data in URLs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Logging: never personal data. Request bodies and query strings are not logged anywhere. ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO"},
        # Django's 4xx/5xx request logger prints the path only; paths hold UUIDs, never names.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "jisr": {"handlers": ["console"], "level": "INFO"},
    },
}
ADMINS: list[tuple[str, str]] = []  # no error mails: they would carry request data
