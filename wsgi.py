"""WSGI entry point: `wsgi:app`, and `flask --app wsgi ...` for the CLI."""

from fieldapp import create_app

app = create_app()
