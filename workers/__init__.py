"""Background jobs run by RQ: importable functions that take ids and open their own app context.

Nothing important lives only in Redis: the database says what is due, RQ carries the work of
doing it, and the periodic sweep (`workers.sweep`) re-enqueues whatever is due and not done.
"""
