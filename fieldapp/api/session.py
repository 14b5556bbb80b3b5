"""POST /api/v1/session signs in; DELETE signs out."""

from flask import request
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from fieldapp.api import bp
from fieldapp.api.errors import error_response
from fieldapp.api.schemas import LoginSchema
from fieldapp.auth.session import authenticate, end_session, start_session
from fieldapp.auth.throttle import limit_sign_in
from fieldapp.extensions import csrf
from fieldapp.rules.text import N_

LOGIN = LoginSchema()  # built once: a schema holds no per-request state


@bp.post("/session")
@csrf.exempt
@limit_sign_in
def login():
    """Sign in with username and password.
    ---
    post:
      summary: Sign in; the session cookie comes back with a CSRF token.
      requestBody:
        content:
          application/json:
            schema: LoginSchema
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: CsrfSchema
        400: BadInput
        401:
          description: Wrong username or password, or the user is disabled.
          content:
            application/json:
              schema: ErrorSchema
        429:
          description: Too many failed sign-ins for this username from this address.
          content:
            application/json:
              schema: ErrorSchema
    """
    creds = LOGIN.load(request.get_json(silent=True) or {})
    user = authenticate(creds["username"], creds["password"])
    if user is None:
        return error_response({"session": [N_("Sai tên đăng nhập hoặc mật khẩu.")]}, 401)
    start_session(user)
    return {"csrf_token": generate_csrf()}


@bp.delete("/session")
@login_required
def logout():
    """Sign out.
    ---
    delete:
      summary: End this session.
      responses:
        204:
          description: Signed out.
    """
    end_session()
    return "", 204
