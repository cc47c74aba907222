"""Pure domain code: event types, state folding and invariants. Never imports Django."""
