"""GET /api/v1/openapi.json: the API described from its marshmallow schemas and docstrings."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app

from fieldapp.api import bp
from fieldapp.api.schemas import ErrorSchema


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3 description, built once per process."""
    spec = current_app.extensions.get("fieldapp.openapi")
    if spec is None:
        spec = current_app.extensions["fieldapp.openapi"] = build_spec().to_dict()
    return spec


def build_spec() -> APISpec:
    """Collect every documented view of the API blueprint."""
    spec = APISpec(
        title="fieldapp API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    # Every endpoint that reads input answers bad input the same way: its docstring says
    # `400: BadInput`.
    # ... and an id that is not there, or not the user's, the same way: `404: NotFound`.
    spec.components.response(
        "BadInput",
        {
            "description": "Bad input; the fields at fault are named.",
            "content": {"application/json": {"schema": ErrorSchema}},
        },
    )
    spec.components.response(
        "NotFound",
        {
            "description": "No such thing, or not the signed-in user's.",
            "content": {"application/json": {"schema": ErrorSchema}},
        },
    )
    for endpoint, view in current_app.view_functions.items():
        if endpoint.startswith(f"{bp.name}.") and (view.__doc__ or "").find("---") >= 0:
            spec.path(view=view, app=current_app)
    return spec
