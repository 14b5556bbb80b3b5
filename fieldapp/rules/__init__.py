"""The domain rules of the field app (DOMAIN.md §3–5): pure functions, no Flask, no database.

Modules: catalog (ticket types), calendar (working days, office hours, office time), deadlines,
customers (flags), reasons (code lists), messages (Vietnamese sentences), actions (one spec per
action), fields (what fills them), lifecycle (judging ops), clocks (late and overdue) and
reminders (the reminder plan). Time is always a parameter; datetimes are aware, outputs UTC.
"""
