from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from compliance import checks  # noqa: F401  (registers the start-up checks)
        from compliance.domain import events  # noqa: F401  (registers the event types)
