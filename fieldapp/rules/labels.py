"""The names of every code people see (statuses, reasons, fields, types...), in one table.

Vietnamese is the catalogue's source language: each name here is a msgid, translated where it
is shown (fieldapp.labels on pages, the API in Vietnamese). A code never reaches a screen raw.
"""

from fieldapp.rules.catalog import TYPES
from fieldapp.rules.text import N_

_FIELDS = {
    "late_reason": N_("lý do trễ hạn"),
    "result": N_("kết quả xử lý"),
    "restored_at": N_("thời gian có điện lại"),
    "cause": N_("nguyên nhân"),
    "reconnected_at": N_("thời gian cấp điện trở lại"),
    "meter_serial": N_("số sê-ri công tơ"),
    "energised_on": N_("ngày đóng điện"),
    "cmis_updated": N_("xác nhận đã cập nhật CMIS"),
    "inspection_result": N_("kết quả kiểm tra"),
    "certificate_no": N_("số giấy chứng nhận kiểm định"),
    "reply_ref": N_("số công văn trả lời"),
    "complaint_subject": N_("nội dung phản ánh"),
    "customer_confirmation": N_("xác nhận của khách hàng"),
    "customer_informed": N_("việc báo khách hàng"),
    "accepted": N_("việc tiếp nhận phiếu"),
    "note": N_("ghi chú"),
    "reason": N_("lý do trả phiếu"),
    "outcome": N_("kết quả liên hệ"),
    "reason_code": N_("lý do"),
    "new_eta": N_("thời gian dự kiến hoàn thành"),
    "status_note": N_("tình trạng hiện tại"),
    "desk": N_("bộ phận"),
    "assignee_id": N_("người được giao"),
    "attachments": N_("ảnh đính kèm"),
    "action": N_("thao tác"),
    "ticket_id": N_("phiếu"),
    "op_id": N_("mã thao tác"),
    "at": N_("thời điểm thực hiện"),
    "data": N_("dữ liệu thao tác"),
    "incident_id": N_("sự cố"),
    "kind": N_("loại sự cố"),
    "area": N_("khu vực mất điện"),
    "station": N_("mã trạm"),
    "feeder": N_("tuyến dây"),
    "started_at": N_("thời điểm mất điện"),
    "cause_code": N_("loại nguyên nhân"),
    "eta": N_("thời gian dự kiến có điện"),
    "tickets": N_("các phiếu"),
}

_ACTIONS = {
    "accept": N_("tiếp nhận"),
    "return": N_("trả phiếu"),
    "contact": N_("ghi nhận liên hệ khách hàng"),
    "update": N_("cập nhật"),
    "extend": N_("gia hạn"),
    "overdue_update": N_("báo cáo quá hạn"),
    "transfer": N_("chuyển bộ phận"),
    "complete": N_("hoàn tất"),
    "assign": N_("giao việc"),
    "acknowledge": N_("xác nhận nhận bàn giao"),
    "escalate": N_("báo cấp trên"),
    "declare": N_("báo sự cố"),
    "eta": N_("đổi thời gian dự kiến có điện"),
    "link": N_("gắn phiếu vào sự cố"),
    "unlink": N_("gỡ phiếu khỏi sự cố"),
    "restore": N_("báo đã có điện lại"),
    "link_incident": N_("gắn vào sự cố"),
    "unlink_incident": N_("gỡ khỏi sự cố"),
    "follow_incident_eta": N_("theo thời gian dự kiến của sự cố"),
    "handover": N_("bàn giao cho trực vận hành"),
    "chase": N_("đôn đốc"),
}

_STATUSES = {
    "received": N_("Chờ tiếp nhận"),
    "accepted": N_("Đã tiếp nhận"),
    "in_progress": N_("Đang xử lý"),
    "completed": N_("Đã hoàn tất"),
    "returned": N_("Đã trả về"),
}

_DEADLINES = {
    "accept": N_("thời hạn tiếp nhận"),
    "contact": N_("thời hạn liên hệ khách hàng"),
    "resolve": N_("thời hạn xử lý"),
}

_DEADLINES_SHORT = {
    "accept": N_("Hạn tiếp nhận"),
    "contact": N_("Hạn liên hệ"),
    "resolve": N_("Hạn xử lý"),
}

# The buttons that start an action: one word per action wherever it is offered (the ticket,
# the list, a notification), the same word the status and the timeline use.
_BUTTONS = {"accept": N_("Tiếp nhận")}

_ROLES = {
    "crew": N_("Công nhân trực vận hành"),
    "desk": N_("Giao dịch viên"),
    "team_lead": N_("Đội trưởng"),
    "company": N_("Phòng Kinh doanh công ty điện lực"),
    "admin": N_("Quản trị hệ thống"),
}

# What an administrator did to an account (models.AdminAudit), and what it changed.
_AUDIT_ACTIONS = {
    "created": N_("Tạo tài khoản"),
    "disabled": N_("Khóa tài khoản"),
    "enabled": N_("Mở khóa tài khoản"),
    "password_reset": N_("Đặt lại mật khẩu"),
    "moved": N_("Chuyển đội / bộ phận"),
}
_ACCOUNT_FIELDS = {
    "role": N_("Vai trò"),
    "team": N_("Đội"),
    "desk": N_("Bộ phận"),
    "company": N_("Công ty điện lực"),
    "active": N_("Được đăng nhập"),
}

_DESKS = {"operations": N_("Bộ phận trực vận hành"), "business": N_("Bộ phận kinh doanh")}

_REASONS = {
    "storm": N_("Mưa bão, thiên tai"),
    "grid_incident": N_("Sự cố lưới điện diện rộng"),
    "customer_absent": N_("Khách hàng vắng nhà"),
    "customer_requested_later": N_("Khách hàng hẹn thời gian khác"),
    "waiting_materials": N_("Chờ vật tư, thiết bị"),
    "site_inaccessible": N_("Không tiếp cận được hiện trường"),
    "waiting_other_unit": N_("Chờ đơn vị khác phối hợp"),
    "workload": N_("Khối lượng công việc lớn"),
    "staff_unavailable": N_("Thiếu nhân lực"),
    "other": N_("Lý do khác"),
}

_RETURN_REASONS = {
    "not_our_area": N_("Không thuộc địa bàn quản lý"),
    "wrong_info": N_("Thông tin không chính xác"),
    "missing_info": N_("Thiếu thông tin"),
    "other": N_("Lý do khác"),
}

_OUTCOMES = {
    "reached": N_("Đã liên hệ được khách hàng"),
    "no_answer": N_("Khách hàng không nghe máy"),
    "confirmed_done": N_("Khách hàng xác nhận đã xử lý xong"),
}

_COMPLAINT_SUBJECTS = {
    "attitude": N_("Thái độ nhân viên"),
    "supply_quality": N_("Chất lượng cung cấp điện"),
    "billing": N_("Hóa đơn, tiền điện"),
    "other": N_("Nội dung khác"),
}

_INFORMED_BY = {
    "phone": N_("Điện thoại"),
    "sms": N_("Tin nhắn SMS"),
    "zalo": N_("Zalo"),
    "in_person": N_("Gặp trực tiếp"),
}

_CHANNELS = {
    "phone": N_("Điện thoại"),
    "website": N_("Website"),
    "app": N_("Ứng dụng"),
    "email": N_("Email"),
    "portal": N_("Cổng dịch vụ công quốc gia"),
    "zalo": N_("Zalo"),
    "sms": N_("SMS"),
    "other": N_("Khác"),
    "counter": N_("Tại quầy"),
}

_SERVICE_GROUPS = {
    "new_supply": N_("Cấp điện mới trung, hạ áp"),
    "during_use": N_("Dịch vụ trong quá trình sử dụng điện"),
    "other_services": N_("Dịch vụ khác"),
    "complaints": N_("Phản ánh, kiến nghị"),
    "lookups": N_("Tra cứu, hỏi đáp"),
}

_FLAGS = {
    "elderly": N_("Người cao tuổi"),
    "important": N_("Khách hàng quan trọng"),
    "difficult": N_("Khách hàng khó tính"),
    "repeat": N_("Lần 2+"),
    "media": N_("Báo chí, mạng xã hội"),
    "upset": N_("Khách hàng bức xúc"),
    "cluster": N_("Nhiều cuộc gọi cùng trạm"),
}

# What an open ticket waits for besides its deadlines (rules.clocks.marks).
_MARKS = {
    "handover": N_("Chờ trực vận hành xác nhận"),
    "chased": N_("Tổng đài đôn đốc: báo cáo trong 15 phút"),
}

_EVENTS = {
    "received": N_("Nhận từ tổng đài"),
    "created": N_("Tạo tại quầy"),
    "accepted": N_("Tiếp nhận"),
    "returned": N_("Trả phiếu"),
    "contacted": N_("Liên hệ khách hàng"),
    "updated": N_("Cập nhật"),
    "extended": N_("Gia hạn"),
    "overdue_update": N_("Báo cáo quá hạn"),
    "transferred": N_("Chuyển bộ phận"),
    "completed": N_("Hoàn tất"),
    "assigned": N_("Giao việc"),
    "escalated": N_("Báo cấp trên"),
    "incident_reported": N_("Báo sự cố"),
    "incident_updated": N_("Cập nhật sự cố"),
    "incident_eta": N_("Đổi thời gian dự kiến có điện"),
    "incident_linked": N_("Gắn vào sự cố"),
    "incident_unlinked": N_("Gỡ khỏi sự cố"),
    "incident_restored": N_("Đã có điện lại"),
    "acknowledged": N_("Trực vận hành xác nhận nhận bàn giao"),
    "chased": N_("Tổng đài đôn đốc"),
}

_INCIDENT_KINDS = {"unplanned": N_("Sự cố mất điện"), "planned": N_("Công tác theo kế hoạch")}
_INCIDENT_STATUSES = {"open": N_("Đang mất điện"), "restored": N_("Đã có điện lại")}

# What bounded a claimed time (rules.claims.bound).
_TIME_BOUNDS = {
    "received": N_("không được trước lúc phiếu đến máy chủ"),
    "previous_action": N_("không được trước thao tác trước đó trên phiếu"),
    "device_sync": N_("không được trước lần đồng bộ trước của điện thoại"),
    "now": N_("không được sau giờ hiện tại"),
}

LABELS: dict[str, dict[str, str]] = {
    "field": _FIELDS,
    "action": _ACTIONS,
    "status": _STATUSES,
    "deadline": _DEADLINES,
    "deadline_short": _DEADLINES_SHORT,
    "desk": _DESKS,
    "button": _BUTTONS,
    "role": _ROLES,
    "audit": _AUDIT_ACTIONS,
    "account_field": _ACCOUNT_FIELDS,
    "reason": _REASONS,
    "return_reason": _RETURN_REASONS,
    "outcome": _OUTCOMES,
    "informed_by": _INFORMED_BY,
    "complaint_subject": _COMPLAINT_SUBJECTS,
    "mark": _MARKS,
    "time_bound": _TIME_BOUNDS,
    "channel": _CHANNELS,
    "service_group": _SERVICE_GROUPS,
    "flag": _FLAGS,
    "event": _EVENTS,
    "incident_kind": _INCIDENT_KINDS,
    "incident_status": _INCIDENT_STATUSES,
    "type": {code: kind.name_vi for code, kind in TYPES.items()},
}


def label_msgid(kind: str, code) -> str:
    """The catalogue entry naming a code; an unknown code as it is."""
    return LABELS.get(kind, {}).get(code) or str(code)
