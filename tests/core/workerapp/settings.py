"""Settings for worker processes started by tests: the test settings plus the test app."""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.workerapp"]
