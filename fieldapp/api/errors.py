"""JSON errors for the API: {"errors": {field: [messages]}}, never an HTML page."""

from flask import jsonify
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from fieldapp.api import bp
from fieldapp.api.messages import translated
from fieldapp.rules.text import N_

_GENERIC = {
    400: N_("Yêu cầu không hợp lệ."),
    401: N_("Bạn cần đăng nhập."),
    403: N_("Không có quyền."),
    404: N_("Không tìm thấy."),
    405: N_("Phương thức không được hỗ trợ."),
    413: N_("Dữ liệu gửi lên quá lớn."),
    429: N_("Quá nhiều yêu cầu, hãy thử lại sau."),
}


def error_response(errors: dict, status: int):
    """The API's one error shape, as a response (so it can also be raised with abort); every
    message in the request's language, from the one catalogue."""
    response = jsonify(errors=translated(errors))
    response.status_code = status
    return response


@bp.app_errorhandler(ValidationError)
def validation_error(err: ValidationError):
    return error_response(
        err.messages if isinstance(err.messages, dict) else {"_body": err.messages}, 400
    )


@bp.errorhandler(CSRFError)
def csrf_error(err: CSRFError):
    if not current_user.is_authenticated:  # no session at all: that is the real problem
        return error_response({"session": [N_("Bạn cần đăng nhập.")]}, 401)
    return error_response({"csrf": [N_("Phiên làm việc đã hết hạn, hãy đăng nhập lại.")]}, 400)


@bp.errorhandler(HTTPException)
def http_error(err: HTTPException):
    code = err.code or 500
    return error_response({"_request": [_GENERIC.get(code, err.name)]}, code)
