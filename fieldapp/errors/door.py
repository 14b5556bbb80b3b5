"""The query, form, file names and JSON body of every request, whatever the route, checked once.

What fieldapp.errors.refused refuses (NUL, lone surrogates, JSON nested too deep) never
reaches a schema, a filter or the database: an API request gets a 400 naming the fields, a
page gets the 400 page. The JSON depth is counted before anything parses the body.
"""

from flask import request

from fieldapp.api.errors import error_response
from fieldapp.errors import bp
from fieldapp.errors.handlers import PAGES, _for_api, _page
from fieldapp.errors.refused import NOT_UTF8, TOO_DEEP, refusal, refused_fields, too_deep

# Checks its body itself, after the signature: an unsigned body is a 401 whatever it holds.
CHECKED_BY_THE_VIEW = {"api.crm_push"}


@bp.before_app_request
def refuse_at_the_door():
    """A 400 for a request holding what the app refuses; None lets it through."""
    found = refused_in_request()
    if not found:
        return None
    if _for_api():
        return error_response(found, 400)
    return _page(400, *PAGES[400])


def refused_in_request() -> dict[str, list[str]]:
    """The request's refused query, form, file name and JSON fields, each with why."""
    found = _refused_in_query()
    if request.endpoint in CHECKED_BY_THE_VIEW:
        return found
    found.update(_refused_pairs(request.form.items(multi=True)))
    uploads = request.files.items(multi=True)  # a file's name is stored with it
    found.update(_refused_pairs((name, upload.filename or "") for name, upload in uploads))
    if request.is_json:
        found.update(_refused_in_json())
    return found


def _refused_in_json() -> dict[str, list[str]]:
    """The body's depth, counted before it is parsed, then its refused strings."""
    if too_deep(request.get_data(cache=True)):
        return {"_body": [TOO_DEEP]}
    return refused_fields(request.get_json(silent=True))  # None when it is not JSON


def _refused_in_query() -> dict[str, list[str]]:
    """The refused query parameters, or the whole query when it is not UTF-8."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:  # raw bytes that are not UTF-8
        # Dropped, so that request.args, full_path and url work for the error page and the
        # after-request hooks instead of raising the same error again.
        request.query_string = b""
        return {"query": [NOT_UTF8]}
    pairs = request.args.items(multi=True)
    return {f"query.{name}": why for name, why in _refused_pairs(pairs).items()}


def _refused_pairs(pairs) -> dict[str, list[str]]:
    """The names of the (name, value) pairs whose name or value is refused, with why."""
    return {name: [why] for name, value in pairs if (why := refusal(name) or refusal(value))}
