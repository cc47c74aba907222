"""The Django admin of the compliance app, one module per area (Django imports this package
at start-up): the event log with recording and corrections (log.py, recording.py, forms.py),
parties, investments and proceedings (streams.py), deadlines and findings (lists.py),
matters (matters.py), reports and their schedules (reports.py)."""

from compliance.admin import lists, log, matters, reports, streams  # noqa: F401
