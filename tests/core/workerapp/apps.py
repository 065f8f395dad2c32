from django.apps import AppConfig


class WorkerAppConfig(AppConfig):
    name = "tests.core.workerapp"
    label = "test_workerapp"

    def ready(self) -> None:
        from tests.core.workerapp import jobs  # noqa: F401  (registers the periodic job)
