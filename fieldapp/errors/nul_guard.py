"""NUL characters are refused at the door, whatever the route.

No field of this app may hold one, and PostgreSQL cannot store or even compare them: a query
with one raises instead of answering. Checking every request once here keeps that out of each
schema and filter.
"""

from flask import request

from fieldapp.api.errors import error_response
from fieldapp.errors import bp
from fieldapp.errors.handlers import PAGES, _for_api, _page

MESSAGE = "Không được chứa ký tự NUL."
# Checks its body itself, after the signature: an unsigned body is a 401 whatever it holds.
CHECKED_BY_THE_VIEW = {"api.crm_push"}


def fields_with_nul() -> list[str]:
    """The names of the request's query, form and JSON fields that contain a NUL character."""
    found = [f"query.{key}" for key, value in request.args.items(multi=True)
             if "\x00" in key or "\x00" in value]
    found += [key for key, value in request.form.items(multi=True)
              if "\x00" in key or "\x00" in value]
    if request.is_json and request.endpoint not in CHECKED_BY_THE_VIEW:
        found += nul_paths(request.get_json(silent=True))
    return found


def nul_paths(value, path: str = "") -> list[str]:
    """Dotted paths of the strings (values or keys) holding a NUL, e.g. "customer.name"."""
    if isinstance(value, str):
        return [path or "_body"] if "\x00" in value else []
    if isinstance(value, list):
        value = dict(enumerate(value))
    if not isinstance(value, dict):
        return []
    found = []
    for key, item in value.items():
        name = f"{path}.{key}" if path else str(key)
        found += [name] if "\x00" in str(key) else nul_paths(item, name)
    return found


@bp.before_app_request
def refuse_nul():
    fields = fields_with_nul()
    if not fields:
        return None
    if _for_api():
        return nul_error(fields)
    return _page(400, *PAGES[400])


def nul_error(fields: list[str]):
    """The API's 400 naming the fields that hold a NUL."""
    return error_response({name: [MESSAGE] for name in fields}, 400)
