"""Rules: pure functions from the facts of a deal, as of a date, and a rule pack (thresholds,
dates and citations as data, in packs/) to findings. No Django imports."""
