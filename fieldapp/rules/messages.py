"""The sentences of refusals: catalogue entries with parameters (rendered where shown)."""

from collections.abc import Iterable

from fieldapp.rules.text import N_, Text, labels, text


def fields(names: Iterable[str]):
    """Field names, shown as their labels."""
    return labels("field", names)


def completion_blocked(missing: Iterable[str]) -> Text:
    """Why the ticket cannot be completed yet: what is missing."""
    return text(N_("Chưa thể hoàn tất phiếu: còn thiếu %(fields)s."), fields=fields(missing))


def late_reason_required(deadlines: Iterable[str]) -> Text:
    """Which deadline has passed, so a late reason must be chosen."""
    return text(
        N_("Đã quá %(deadlines)s: hãy chọn lý do trễ hạn."), deadlines=labels("deadline", deadlines)
    )


def invalid(names: Iterable[str]) -> Text:
    """Which fields are missing or wrong."""
    return text(N_("Thông tin còn thiếu hoặc chưa hợp lệ: %(fields)s."), fields=fields(names))


def not_allowed_role() -> Text:
    """The user's role may not act on tickets this way."""
    return text(N_("Bạn không có quyền thực hiện thao tác này."))


def not_allowed_desk() -> Text:
    """The ticket belongs to the other desk of the team."""
    return text(
        N_(
            "Phiếu này thuộc bộ phận khác (có thể vừa được chuyển đi), bạn không thể "
            "thao tác trên phiếu."
        )
    )


def not_allowed_assignee() -> Text:
    """The ticket is another person's (accepted by them, or given to them by the leader)."""
    return text(
        N_(
            "Phiếu này đang do người khác xử lý (có thể vừa được giao lại), bạn không "
            "thể thao tác trên phiếu."
        )
    )


def not_returnable_walkin() -> Text:
    """A walk-in ticket never came from the call center: there is nobody to return it to."""
    return text(N_("Phiếu tạo tại quầy không đến từ tổng đài nên không thể trả về tổng đài."))


def not_allowed_state(action: str, status: str) -> Text:
    """The action does not fit the ticket's status."""
    verb = labels("action", (action,))
    if status == "returned":  # e.g. returned by someone else while this phone had no signal
        return text(N_("Phiếu đã được trả về tổng đài nên không thể %(action)s nữa."), action=verb)
    return text(
        N_("Không thể %(action)s khi phiếu ở trạng thái “%(status)s”."),
        action=verb,
        status=labels("status", (status,)),
    )


def leader_only_now(action: str) -> Text:
    """Work has started on the ticket: from now on only the team leader may do this."""
    return text(
        N_("Phiếu đã bắt đầu được xử lý: chỉ đội trưởng mới có thể %(action)s."),
        action=labels("action", (action,)),
    )


def nothing_to_acknowledge() -> Text:
    """No handover is waiting for the duty desk's acknowledgement."""
    return text(N_("Phiếu không có bàn giao nào chờ xác nhận."))


def extend_after_deadline() -> Text:
    """Too late to extend: the overdue report is the way now."""
    return text(N_("Phiếu đã quá hạn nên không thể gia hạn: hãy dùng “Báo cáo quá hạn”."))


def extension_limit(limit: int) -> Text:
    """The type's moved ETAs are used up; only the team leader may confirm another."""
    return text(
        N_(
            "Phiếu đã được gia hạn %(limit)s lần: chỉ đội trưởng mới có thể xác nhận "
            "gia hạn thêm với lý do khách quan."
        ),
        limit=limit,
    )


def same_desk() -> Text:
    """A transfer must go to the other desk."""
    return text(N_("Phiếu đã thuộc bộ phận này: hãy chọn bộ phận khác để chuyển."))


def unknown_action(action: str) -> Text:
    """The action is not one the app knows."""
    return text(N_("Thao tác không hợp lệ: %(action)s."), action=action)


def not_found() -> Text:
    """The ticket does not exist, or the user may not see it (never says which)."""
    return text(N_("Không tìm thấy phiếu hoặc bạn không có quyền với phiếu này."))


def unreadable(names: Iterable[str]) -> Text:
    """The server could not read the op: which fields are malformed."""
    return text(N_("Dữ liệu thao tác không hợp lệ: %(fields)s."), fields=fields(names))


def op_id_reused() -> Text:
    """The sender used this op id before, for another ticket or action."""
    return text(N_("Mã thao tác này đã được dùng cho một thao tác khác."))


def eta_too_far(hours: int) -> Text:
    """The new expected time is later than the type allows."""
    return text(
        N_("Thời gian dự kiến hoàn thành không được quá %(hours)s giờ kể từ bây giờ."), hours=hours
    )


def assignee_not_in_team() -> Text:
    """The person to assign is not an active member of the ticket's team."""
    return text(N_("Người được giao không thuộc đội này."))


def attachment_unknown() -> Text:
    """An attachment id that is not one of the sender's uploads for this ticket."""
    return text(N_("Ảnh đính kèm không hợp lệ, hãy tải lại."))


def incident_closed() -> Text:
    """The incident was restored: it changes no more."""
    return text(N_("Sự cố đã được khôi phục, không thể thay đổi nữa."))


def only_outages() -> Text:
    """Only outage tickets join a wide-area incident."""
    return text(N_("Chỉ phiếu mất điện mới gắn được vào sự cố."))


def linked_elsewhere() -> Text:
    """The ticket is linked to an incident already."""
    return text(N_("Phiếu đã thuộc một sự cố."))


def not_linked() -> Text:
    """The ticket is not linked to this incident."""
    return text(N_("Phiếu không thuộc sự cố này."))


def still_without_power() -> Text:
    """The customer called again since the restoration time: not completed with the others."""
    return text(N_("Khách hàng báo vẫn mất điện sau thời điểm khôi phục."))


def incident_not_found() -> Text:
    """The incident does not exist, or the user may not see it."""
    return text(N_("Không tìm thấy sự cố hoặc bạn không có quyền với sự cố này."))
