"""Django settings, all derived from environment variables through `config.env`."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from dukkan.config.env import load_config
from dukkan.config.logging import logging_config

CONFIG = load_config()
PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = CONFIG.data_dir

DUKKAN_ENV = CONFIG.environment
DUKKAN_CONFIG_PROBLEMS = CONFIG.problems
DUKKAN_BASE_URL = CONFIG.base_url
DUKKAN_WORKER_IN_PROCESS = CONFIG.worker_in_process
DUKKAN_SENDFILE = CONFIG.sendfile  # front-server hand-off of checked downloads (delivery)
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = [CONFIG.base_url]

INSTALLED_APPS = [
    "channels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "dukkan.core",
    "dukkan.accounts",
    "dukkan.crm",
    "dukkan.support",
    "dukkan.inbox",
    "dukkan.realtime",
    "dukkan.widget",
    "dukkan.catalog",
    "dukkan.checkout",
    "dukkan.delivery",
    "dukkan.knowledge",
    "dukkan.answers",
    "dukkan.licensing",
    "dukkan.email_channel",
    "dukkan.promotions",
    "dukkan.affiliates",
    "dukkan.marketing",
    "dukkan.hours",
    "dukkan.answerbot",
    "dukkan.callbacks",
    "dukkan.gigs",
    "dukkan.reviews",
    "dukkan.moderation",
    "dukkan.reportcards",
]

MIDDLEWARE = [
    "dukkan.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # ?ref=CODE on store pages: affiliate click + referral cookie (affiliates app).
    "dukkan.affiliates.middleware.ReferralMiddleware",
]

ROOT_URLCONF = "dukkan.config.urls"
ASGI_APPLICATION = "dukkan.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dukkan.core.context_processors.dukkan",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DUKKAN_DATABASE_VENDOR = CONFIG.database_vendor
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Paths whose views are async (long-polls): the ASGI handler sends them through Django's async
# chain instead of its one-hop thread pool, so a waiting poll holds no thread.
DUKKAN_ASYNC_PATH_PREFIXES = ("/chat/", "/widget/")

REDIS_URL = CONFIG.redis_url
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dukkan",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dukkan",
        }
    }

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:home"

# django-allauth: sign-in by email, verification optional so the demo works offline.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "dukkan.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Dukkan] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dukkan"

LANGUAGE_CODE = CONFIG.default_language
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("en", _("English")),
]
LANGUAGES_BIDI = ["ar", "fa"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "dukkan_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
    # Paid files and samples: no public URL; they leave only through the app's own views.
    "private": {
        "BACKEND": "dukkan.catalog.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "private"},
    },
}
SERVESTATIC_MAX_AGE = 365 * 24 * 3600

EMAIL_BACKEND = CONFIG.email.backend
EMAIL_HOST = CONFIG.email.host
EMAIL_PORT = CONFIG.email.port
EMAIL_HOST_USER = CONFIG.email.user
EMAIL_HOST_PASSWORD = CONFIG.email.password
EMAIL_USE_TLS = CONFIG.email.use_tls
EMAIL_USE_SSL = CONFIG.email.use_ssl
EMAIL_FILE_PATH = CONFIG.email.file_path
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = CONFIG.default_from_email
SERVER_EMAIL = CONFIG.default_from_email

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONFIG.is_production and CONFIG.base_url.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = logging_config(CONFIG.log_format, CONFIG.log_level)
DUKKAN_TASK_BACKLOG_LIMIT = 10_000
