"""The ticket types of DOMAIN.md §3: desk, deadlines and what completing each one needs."""

from dataclasses import dataclass

from fieldapp.rules.state import BUSINESS, OPERATIONS

CHANNELS = ("phone", "website", "app", "email", "portal", "zalo", "sms", "other")
SERVICE_GROUPS = ("new_supply", "during_use", "other_services", "complaints", "lookups")

CHANNEL_LABELS_VI = {
    "phone": "Điện thoại", "website": "Website", "app": "Ứng dụng", "email": "Email",
    "portal": "Cổng dịch vụ công quốc gia", "zalo": "Zalo", "sms": "SMS", "other": "Khác",
}
SERVICE_GROUP_LABELS_VI = {
    "new_supply": "Cấp điện mới trung, hạ áp",
    "during_use": "Dịch vụ trong quá trình sử dụng điện",
    "other_services": "Dịch vụ khác",
    "complaints": "Phản ánh, kiến nghị",
    "lookups": "Tra cứu, hỏi đáp",
}


@dataclass(frozen=True)
class TicketType:
    """One ticket type: who handles it, its clocks, and the facts needed to complete it."""

    code: str
    name_vi: str
    name_en: str
    desk: str | None  # None: RECONNECT, routed by office hours
    resolve_hours: int | None = None
    resolve_working_days: int | None = None
    contact_after_accept_minutes: int | None = None
    contact_working_days: int | None = None
    completion_facts: tuple[str, ...] = ()
    max_extensions: int | None = None
    urgent: bool = False
    service_group: str = "lookups"


_RESTORED = ("restored_at", "cause")
_ENERGISED = ("meter_serial", "energised_on")
_CMIS = ("cmis_updated",)


def _ops(code, vi, en, **kw) -> TicketType:
    """An operations-desk type: urgent, handled around the clock."""
    return TicketType(code, vi, en, OPERATIONS, urgent=True, service_group="other_services", **kw)


def _biz(code, vi, en, group, **kw) -> TicketType:
    """A business-desk type, worked in office hours."""
    return TicketType(code, vi, en, BUSINESS, service_group=group, **kw)


_ALL = (
    _ops("OUTAGE", "Mất điện (sự cố, riêng lẻ)", "Power outage", resolve_hours=2,
         contact_after_accept_minutes=30, completion_facts=_RESTORED, max_extensions=2),
    TicketType("RECONNECT", "Cấp điện trở lại sau khi khách hàng thanh toán nợ",
               "Reconnection after payment", None, resolve_hours=8,
               completion_facts=("reconnected_at",), max_extensions=2,
               service_group="during_use"),
    _ops("POWER_QUALITY", "Kiến nghị chất lượng điện năng", "Power quality",
         resolve_working_days=2),
    _ops("SAFETY", "An toàn điện, nguy hiểm lưới điện", "Electrical safety hazard",
         resolve_hours=2, completion_facts=_RESTORED),
    _biz("NEW_SUPPLY_LV", "Cấp điện mới hạ áp", "New low-voltage supply", "new_supply",
         resolve_working_days=5, completion_facts=_ENERGISED),
    _biz("NEW_SUPPLY_LV_WORKS", "Cấp điện mới hạ áp, có dựng thêm cột / cáp ngầm / máy biến dòng",
         "New low-voltage supply with works", "new_supply", resolve_working_days=7,
         completion_facts=_ENERGISED),
    _biz("NEW_SUPPLY_MV", "Cấp điện mới trung áp", "New medium-voltage supply", "new_supply",
         resolve_working_days=7, completion_facts=_ENERGISED),
    _biz("CONTRACT_CAPACITY", "Thay đổi công suất", "Capacity change", "during_use",
         resolve_working_days=5, completion_facts=_CMIS),
    _biz("CONTRACT_OWNER", "Thay đổi chủ thể hợp đồng (sang tên)", "Contract owner change",
         "during_use", resolve_working_days=3, completion_facts=_CMIS),
    _biz("CONTRACT_PURPOSE", "Thay đổi mục đích sử dụng điện", "Change of purpose of use",
         "during_use", resolve_working_days=3, completion_facts=_CMIS),
    _biz("CONTRACT_RENEWAL", "Gia hạn hợp đồng", "Contract renewal", "during_use",
         resolve_working_days=3, completion_facts=_CMIS),
    _biz("CONTRACT_TERMINATION", "Thanh lý hợp đồng", "Contract termination", "during_use",
         resolve_working_days=3, completion_facts=_CMIS),
    _biz("METER_RELOCATION", "Di dời công tơ cùng địa điểm", "Meter relocation on site",
         "during_use", resolve_working_days=5, completion_facts=_CMIS),
    _biz("CONTRACT_OTHER", "Thay đổi thông tin khác", "Other contract change", "during_use",
         resolve_working_days=3, completion_facts=_CMIS),
    _biz("METER_CHECK", "Kiểm tra thiết bị đo đếm", "Meter check", "during_use",
         resolve_working_days=3, completion_facts=("inspection_result",)),
    _biz("METER_CALIBRATION", "Kiểm tra và kiểm định thiết bị đo đếm",
         "Meter check and calibration", "during_use", resolve_working_days=5,
         completion_facts=("inspection_result", "certificate_no")),
    _biz("COMPLAINT", "Phản ánh / kiến nghị", "Complaint", "complaints",
         resolve_working_days=6, contact_working_days=1),
    _biz("MEDIA_COMPLAINT", "Phản ánh qua báo, đài, mạng xã hội", "Complaint in the media",
         "complaints", resolve_hours=24),
    _biz("OTHER", "Yêu cầu khác (nhập chung hóa đơn, thêm điểm dùng điện, di dời trụ, hỏi đáp…)",
         "Other request", "lookups", resolve_working_days=5),
)

TYPES: dict[str, TicketType] = {t.code: t for t in _ALL}


def get_type(code: str) -> TicketType:
    """The type with this code; ValueError names an unknown one."""
    try:
        return TYPES[code]
    except KeyError:
        raise ValueError(f"unknown ticket type {code!r}") from None
