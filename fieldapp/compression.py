"""Compressed answers (Flask-Compress), except from the views marked @compress.exempt.

Phones on a slow link gain from every compressed answer, even a small one. The CRM is a
server: its answers (a ticket, about 1.5 KB) cross a data-centre link, and compressing them
cost a push more CPU at both ends than the bytes were worth (about a tenth of the intake's
throughput on the 2-core bench machine, where a typhoon's pushes and syncs share the cores).
"""

from collections.abc import Callable
from typing import TypeVar

import flask_compress
from flask import Response, current_app, request

View = TypeVar("View", bound=Callable[..., object])


class Compress(flask_compress.Compress):
    """Flask-Compress with an exempt list of views, as Flask-WTF's CSRFProtect has."""

    def __init__(self) -> None:
        super().__init__()
        self._exempt: set[Callable[..., object]] = set()  # the view functions themselves

    def exempt(self, view: View) -> View:
        """Mark a view whose answers are never compressed."""
        self._exempt.add(view)
        return view

    def after_request(self, response: Response | None) -> Response:
        view = current_app.view_functions.get(request.endpoint or "")
        if response is not None and view in self._exempt:
            return response
        return super().after_request(response)
