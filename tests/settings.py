"""Test settings: the real settings, with a throwaway data folder and fast password hashing."""

import os
import tempfile

os.environ.setdefault("DUKKAN_DATA_DIR", tempfile.mkdtemp(prefix="dukkan-test-"))
os.environ.setdefault("EMAIL_URL", "locmem:")
os.environ.setdefault("DUKKAN_LOG_FORMAT", "console")
os.environ.setdefault("DUKKAN_LOG_LEVEL", "WARNING")

from dukkan.config.settings import *  # noqa: F403
from dukkan.config.settings import DATA_DIR, DATABASES

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVESTATIC_USE_FINDERS = True
SERVESTATIC_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: tests start real worker and server processes on the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
