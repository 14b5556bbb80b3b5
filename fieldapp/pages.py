"""One URL, two answers: the full page for a browser, the fragment for an htmx swap."""

from flask import make_response, render_template, request


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (a history restore needs the whole page)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def htmx_target() -> str:
    """The id of the element an htmx request will swap, or ""."""
    if not wants_fragment():
        return ""
    return request.headers.get("HX-Target") or ""


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
