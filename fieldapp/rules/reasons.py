"""The code lists of DOMAIN.md §4: late / delay reasons, return reasons, contact outcomes."""

# Reports count objective reasons apart from the rest (DOMAIN §4, §6).
OBJECTIVE_REASONS = (
    "storm",
    "grid_incident",
    "customer_absent",
    "customer_requested_later",
    "waiting_materials",
    "site_inaccessible",
    "waiting_other_unit",
)
OTHER_REASONS = ("workload", "staff_unavailable", "other")
REASON_CODES = OBJECTIVE_REASONS + OTHER_REASONS

RETURN_REASONS = ("not_our_area", "wrong_info", "missing_info", "other")
CONTACT_OUTCOMES = ("reached", "no_answer", "confirmed_done")

REASON_LABELS_VI = {
    "storm": "Mưa bão, thiên tai",
    "grid_incident": "Sự cố lưới điện diện rộng",
    "customer_absent": "Khách hàng vắng nhà",
    "customer_requested_later": "Khách hàng hẹn thời gian khác",
    "waiting_materials": "Chờ vật tư, thiết bị",
    "site_inaccessible": "Không tiếp cận được hiện trường",
    "waiting_other_unit": "Chờ đơn vị khác phối hợp",
    "workload": "Khối lượng công việc lớn",
    "staff_unavailable": "Thiếu nhân lực",
    "other": "Lý do khác",
}
RETURN_REASON_LABELS_VI = {
    "not_our_area": "Không thuộc địa bàn quản lý",
    "wrong_info": "Thông tin không chính xác",
    "missing_info": "Thiếu thông tin",
    "other": "Lý do khác",
}
OUTCOME_LABELS_VI = {
    "reached": "Đã liên hệ được khách hàng",
    "no_answer": "Khách hàng không nghe máy",
    "confirmed_done": "Khách hàng xác nhận đã xử lý xong",
}


def is_objective(code: str | None) -> bool:
    """Whether a reason code is an objective cause (storm, customer absent, ...)."""
    return code in OBJECTIVE_REASONS
