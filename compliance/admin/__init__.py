"""The Django admin of the compliance app, one module per area (Django imports this package
at start-up). Reports and their schedules: reports.py."""

from compliance.admin import reports  # noqa: F401
