"""Reports, schedules and subscribers in the admin (to come with the reports issue)."""
