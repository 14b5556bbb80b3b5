"""Vietnamese sentences for refusals, and the labels of the fields they name."""

from collections.abc import Iterable

FIELD_LABELS_VI = {
    "late_reason": "lý do trễ hạn",
    "result": "kết quả xử lý",
    "restored_at": "thời gian có điện lại",
    "cause": "nguyên nhân",
    "reconnected_at": "thời gian cấp điện trở lại",
    "meter_serial": "số sê-ri công tơ",
    "energised_on": "ngày đóng điện",
    "cmis_updated": "xác nhận đã cập nhật CMIS",
    "inspection_result": "kết quả kiểm tra",
    "certificate_no": "số giấy chứng nhận kiểm định",
    "customer_confirmation": "xác nhận của khách hàng",
    "customer_confirmed": "xác nhận của khách hàng",
    "accepted": "việc tiếp nhận phiếu",
    "note": "ghi chú",
    "reason": "lý do trả phiếu",
    "outcome": "kết quả liên hệ",
    "reason_code": "lý do",
    "new_eta": "thời gian dự kiến hoàn thành",
    "status_note": "tình trạng hiện tại",
    "desk": "bộ phận",
    "assignee_id": "người được giao",
    "attachments": "ảnh đính kèm",
    "action": "thao tác",
    "ticket_id": "phiếu",
}

ACTION_LABELS_VI = {
    "accept": "tiếp nhận",
    "return": "trả phiếu",
    "contact": "ghi nhận liên hệ khách hàng",
    "update": "cập nhật",
    "extend": "gia hạn",
    "overdue_update": "báo cáo quá hạn",
    "transfer": "chuyển bộ phận",
    "complete": "hoàn tất",
    "assign": "giao việc",
}

STATUS_LABELS_VI = {
    "received": "Chờ tiếp nhận",
    "accepted": "Đã tiếp nhận",
    "in_progress": "Đang xử lý",
    "completed": "Đã hoàn tất",
    "returned": "Đã trả về",
}

DEADLINE_LABELS_VI = {
    "accept": "thời hạn tiếp nhận",
    "contact": "thời hạn liên hệ khách hàng",
    "resolve": "thời hạn xử lý",
}

DESK_LABELS_VI = {"operations": "Bộ phận trực vận hành", "business": "Bộ phận kinh doanh"}


def labels(fields: Iterable[str]) -> str:
    """The fields' Vietnamese labels, comma-separated (unknown names as they are)."""
    return ", ".join(FIELD_LABELS_VI.get(name, name) for name in fields)


def completion_blocked(fields: Iterable[str]) -> str:
    """Why the ticket cannot be completed yet: what is missing."""
    return f"Chưa thể hoàn tất phiếu: còn thiếu {labels(fields)}."


def late_reason_required(deadlines: Iterable[str]) -> str:
    """Which deadline has passed, so a late reason must be chosen."""
    passed = ", ".join(DEADLINE_LABELS_VI.get(name, name) for name in deadlines)
    return f"Đã quá {passed}: hãy chọn lý do trễ hạn."


def invalid(fields: Iterable[str]) -> str:
    """Which fields are missing or wrong."""
    return f"Thông tin còn thiếu hoặc chưa hợp lệ: {labels(fields)}."


def not_allowed_role() -> str:
    """The user's role may not act on tickets this way."""
    return "Bạn không có quyền thực hiện thao tác này."


def not_allowed_desk() -> str:
    """The ticket belongs to the other desk of the team."""
    return ("Phiếu này thuộc bộ phận khác (có thể vừa được chuyển đi), bạn không thể thao tác "
            "trên phiếu.")


def not_allowed_assignee() -> str:
    """The ticket is another person's (accepted by them, or given to them by the leader)."""
    return ("Phiếu này đang do người khác xử lý (có thể vừa được giao lại), bạn không thể "
            "thao tác trên phiếu.")


def not_allowed_state(action: str, status: str) -> str:
    """The action does not fit the ticket's status."""
    verb = ACTION_LABELS_VI.get(action, action)
    if status == "returned":  # e.g. returned by someone else while this phone had no signal
        return f"Phiếu đã được trả về tổng đài nên không thể {verb} nữa."
    return f"Không thể {verb} khi phiếu ở trạng thái “{STATUS_LABELS_VI.get(status, status)}”."


def extend_after_deadline() -> str:
    """Too late to extend: the overdue report is the way now."""
    return "Phiếu đã quá hạn nên không thể gia hạn: hãy dùng “Báo cáo quá hạn”."


def extension_limit(limit: int) -> str:
    """The type's extensions are used up; only the team leader may confirm another."""
    return (
        f"Phiếu đã được gia hạn {limit} lần: chỉ đội trưởng mới có thể xác nhận gia hạn thêm "
        "với lý do khách quan."
    )


def same_desk() -> str:
    """A transfer must go to the other desk."""
    return "Phiếu đã thuộc bộ phận này: hãy chọn bộ phận khác để chuyển."


def unknown_action(action: str) -> str:
    """The action is not one the app knows."""
    return f"Thao tác không hợp lệ: {action}."
