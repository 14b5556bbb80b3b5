"""404, 403, 413, 500 and a stale form as pages; under /api/ the API's own JSON shape."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from fieldapp.api.errors import csrf_error, http_error
from fieldapp.errors import bp

PAGES = {
    400: (
        _l("Dữ liệu không hợp lệ"),
        _l("Nội dung gửi lên không hợp lệ; hãy kiểm tra và nhập lại."),
    ),
    403: (_l("Không có quyền"), _l("Tài khoản của bạn không được mở trang này.")),
    404: (_l("Không tìm thấy"), _l("Trang hoặc phiếu này không có, hoặc không thuộc đội của bạn.")),
    413: (_l("Dữ liệu quá lớn"), _l("Mỗi ảnh tối đa 5 MB; hãy gửi ít ảnh hơn.")),
    500: (
        _l("Lỗi hệ thống"),
        _l("Đã có lỗi xảy ra. Thao tác của bạn có thể chưa được ghi nhận; hãy thử lại."),
    ),
}
STALE = (_l("Phiên làm việc đã hết hạn"), _l("Hãy tải lại trang rồi thực hiện lại thao tác."))


def _for_api() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, title, text):
    """The error page, with the status it stands for."""
    return render_template("errors/error.html", status=status, title=title, text=text), status


def _http_error(err: HTTPException):
    """The page for an HTTP error of PAGES, or the API's JSON under /api/."""
    if _for_api():
        return http_error(err)
    assert err.code is not None  # handled for the codes of PAGES only
    return _page(err.code, *PAGES[err.code])


for _code in PAGES:
    bp.app_errorhandler(_code)(_http_error)


@bp.app_errorhandler(CSRFError)
def stale_form(err: CSRFError):
    """A form posted without a valid token (a session that expired, an old page)."""
    if _for_api():
        return csrf_error(err)
    return _page(400, *STALE)
