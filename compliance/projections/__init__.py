"""Read models fed from the log, one module per read model.

Each handler folds the event's stream up to that event (corrections applied) and rewrites
the stream's rows from the result: idempotent, and a rebuild from position 0 gives exactly
the rows built incrementally.
"""
