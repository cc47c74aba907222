from django.apps import AppConfig


class EventsTestsConfig(AppConfig):
    """A test-only app: example event types and an example projection with its table."""

    name = "tests.events"
    label = "events_tests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tests.events import event_types  # noqa: F401
