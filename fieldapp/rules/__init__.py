"""The domain rules of the field app (DOMAIN.md §3–5): pure functions, no Flask, no database.

Modules: catalog (ticket types), calendar (working days, office hours), deadlines, customers
(flags), reasons (code lists), messages (Vietnamese sentences), lifecycle (judging ops) and
reminders (the reminder plan). Time is always a parameter; datetimes are aware, outputs UTC.
"""
