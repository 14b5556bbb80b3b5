"""One URL, two answers: the full page for a browser, the fragment for an htmx swap.

htmx's request headers are read through flask-htmx (`htmx`): truthy for an htmx request,
with the element it targets and whether it restores history."""

from flask import make_response, render_template

from fieldapp.extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (a history restore needs the whole page)."""
    return bool(htmx) and not htmx.history_restore_request


def htmx_target() -> str:
    """The id of the element an htmx request will swap, or ""."""
    return (htmx.target or "") if wants_fragment() else ""


def page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the fragment for htmx, else the page that includes it; caches keep both apart."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def fragment(template: str, status: int = 200, **context):
    """Render a fragment (an htmx swap), marked as varying by HX-Request."""
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
