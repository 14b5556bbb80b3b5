"""The API's error messages in the one catalogue: ours are Vietnamese msgids (marked N_ where
written); marshmallow's built-in English ones are matched here to catalogue entries. The API
answers in the request's language (Vietnamese unless the user chose English)."""

import re

from flask_babel import gettext

from fieldapp.rules.text import N_

_ANY = r"(?P<value>.*)"
# marshmallow's messages (fields and validators), most specific first.
_MARSHMALLOW = [
    (re.compile(pattern), template)
    for pattern, template in (
        (r"Missing data for required field\.", N_("Thiếu trường bắt buộc.")),
        (r"Field may not be null\.", N_("Không được để trống.")),
        (r"Unknown field\.", N_("Trường không được chấp nhận.")),
        (r"Not a valid integer\.", N_("Không phải số nguyên hợp lệ.")),
        (r"Not a valid number\.", N_("Không phải số hợp lệ.")),
        (r"Number too large\.", N_("Số quá lớn.")),
        (r"Not a valid string\.", N_("Không phải văn bản hợp lệ.")),
        (r"Not a valid boolean\.", N_("Không phải giá trị đúng/sai hợp lệ.")),
        (r"Not a valid date\.", N_("Không phải ngày hợp lệ.")),
        (
            r"Not a valid (aware |naive )?datetime\.",
            N_("Không phải thời điểm hợp lệ (cần múi giờ)."),
        ),
        (r"Not a valid list\.", N_("Không phải danh sách hợp lệ.")),
        (r"Not a valid mapping type\.", N_("Không phải đối tượng JSON hợp lệ.")),
        (r"Not a valid URL\.", N_("Không phải địa chỉ URL hợp lệ.")),
        (r"Invalid (input|input type|type|value)\.", N_("Giá trị không hợp lệ.")),
        (r"String does not match expected pattern\.", N_("Không đúng định dạng.")),
        (r"Must be one of: " + _ANY + r"\.", N_("Phải là một trong: %(value)s.")),
        (r"Longer than maximum length " + _ANY + r"\.", N_("Dài quá %(value)s ký tự.")),
        (r"Shorter than minimum length " + _ANY + r"\.", N_("Ngắn hơn %(value)s ký tự.")),
        (r"Length must be between .*\.", N_("Độ dài không hợp lệ.")),
        (r"Must be (greater|less) than.*\.", N_("Giá trị nằm ngoài khoảng cho phép.")),
        (r".* cannot be formatted as .*\.", N_("Giá trị không hợp lệ.")),
    )
]


def translate(message: str) -> str:
    """One error message in the request's language."""
    for pattern, template in _MARSHMALLOW:
        match = pattern.fullmatch(message)
        if match:
            return gettext(template) % match.groupdict() if match.groupdict() else gettext(template)
    return gettext(message)


def translated(errors):
    """marshmallow-shaped errors ({field: [messages] or nested}) with every message
    translated."""
    if isinstance(errors, dict):
        return {key: translated(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translated(value) for value in errors]
    return translate(errors) if isinstance(errors, str) else errors
