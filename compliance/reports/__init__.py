"""Risk reports pinned to the log, their schedules and delivery, and deadline reminders
(docs/reports.md)."""
