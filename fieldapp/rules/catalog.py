"""The ticket types of DOMAIN.md §3: desk, deadlines and what completing each one needs."""

from dataclasses import dataclass

from fieldapp.rules.state import BUSINESS, OPERATIONS
from fieldapp.rules.text import N_

CHANNELS = ("phone", "website", "app", "email", "portal", "zalo", "sms", "other")  # the CRM's
COUNTER_CHANNEL = "counter"  # a walk-in the team entered itself (rules.counter)
TICKET_CHANNELS = (*CHANNELS, COUNTER_CHANNEL)
SERVICE_GROUPS = ("new_supply", "during_use", "other_services", "complaints", "lookups")


@dataclass(frozen=True)
class TicketType:
    """One ticket type: who handles it, its clocks, and the facts needed to complete it."""

    code: str
    name_vi: str  # a msgid: rules.labels names the type, translated where it is shown
    desk: str | None  # None: RECONNECT, routed by office hours
    resolve_hours: int | None = None
    resolve_working_days: int | None = None
    contact_after_accept_minutes: int | None = None
    contact_working_days: int | None = None
    completion_facts: tuple[str, ...] = ()
    max_extensions: int | None = None
    urgent: bool = False
    service_group: str = "lookups"
    # Accepted within 3 min whatever the hour, although its desk keeps office hours (DOMAIN §7).
    around_the_clock: bool = False
    # Unfinished at the business desk's closing, it is handed to the duty desk (DOMAIN §7).
    handover_at_closing: bool = False

    @property
    def complaint(self) -> bool:
        """A complaint (B.01 group "complaints"): its leader hears of an upset customer."""
        return self.service_group == "complaints"

    @property
    def office_hours(self) -> bool:
        """Worked by the business desk in office hours: its clocks count working time."""
        return self.desk == BUSINESS and not self.around_the_clock


_RESTORED = ("restored_at", "cause")
_ENERGISED = ("meter_serial", "energised_on")
_CMIS = ("cmis_updated",)
# A complaint's subject is chosen when it is completed (DOMAIN §7, the B.01 attitude row).
_SUBJECT = ("complaint_subject",)


def _ops(code, vi, group="other_services", **kw) -> TicketType:
    """An operations-desk type: urgent, handled around the clock."""
    return TicketType(code, vi, OPERATIONS, urgent=True, service_group=group, **kw)


def _biz(code, vi, group, **kw) -> TicketType:
    """A business-desk type, worked in office hours."""
    return TicketType(code, vi, BUSINESS, service_group=group, **kw)


_ALL = (
    _ops(
        "OUTAGE",
        N_("Mất điện (sự cố, riêng lẻ)"),
        resolve_hours=2,
        contact_after_accept_minutes=30,
        completion_facts=_RESTORED,
        max_extensions=2,
    ),
    TicketType(
        "RECONNECT",
        N_("Cấp điện trở lại sau khi khách hàng thanh toán nợ"),
        None,
        resolve_hours=8,
        contact_after_accept_minutes=30,
        completion_facts=("reconnected_at",),
        max_extensions=2,
        service_group="during_use",
        handover_at_closing=True,
    ),
    # B.01 counts it as a complaint about the quality of supply (DOMAIN §7).
    _ops(
        "POWER_QUALITY", N_("Kiến nghị chất lượng điện năng"), "complaints", resolve_working_days=2
    ),
    _ops(
        "SAFETY",
        N_("An toàn điện, nguy hiểm lưới điện"),
        resolve_hours=2,
        completion_facts=_RESTORED,
    ),
    _biz(
        "NEW_SUPPLY_LV",
        N_("Cấp điện mới hạ áp"),
        "new_supply",
        resolve_working_days=5,
        completion_facts=_ENERGISED,
    ),
    _biz(
        "NEW_SUPPLY_LV_WORKS",
        N_("Cấp điện mới hạ áp, có dựng thêm cột / cáp ngầm / máy biến dòng"),
        "new_supply",
        resolve_working_days=7,
        completion_facts=_ENERGISED,
    ),
    _biz(
        "NEW_SUPPLY_MV",
        N_("Cấp điện mới trung áp"),
        "new_supply",
        resolve_working_days=7,
        completion_facts=_ENERGISED,
    ),
    _biz(
        "CONTRACT_CAPACITY",
        N_("Thay đổi công suất"),
        "during_use",
        resolve_working_days=5,
        completion_facts=_CMIS,
    ),
    _biz(
        "CONTRACT_OWNER",
        N_("Thay đổi chủ thể hợp đồng (sang tên)"),
        "during_use",
        resolve_working_days=3,
        completion_facts=_CMIS,
    ),
    _biz(
        "CONTRACT_PURPOSE",
        N_("Thay đổi mục đích sử dụng điện"),
        "during_use",
        resolve_working_days=3,
        completion_facts=_CMIS,
    ),
    _biz(
        "CONTRACT_RENEWAL",
        N_("Gia hạn hợp đồng"),
        "during_use",
        resolve_working_days=3,
        completion_facts=_CMIS,
    ),
    _biz(
        "CONTRACT_TERMINATION",
        N_("Thanh lý hợp đồng"),
        "during_use",
        resolve_working_days=3,
        completion_facts=_CMIS,
    ),
    _biz(
        "METER_RELOCATION",
        N_("Di dời công tơ cùng địa điểm"),
        "during_use",
        resolve_working_days=5,
        completion_facts=_CMIS,
    ),
    _biz(
        "CONTRACT_OTHER",
        N_("Thay đổi thông tin khác"),
        "during_use",
        resolve_working_days=3,
        completion_facts=_CMIS,
    ),
    _biz(
        "METER_CHECK",
        N_("Kiểm tra thiết bị đo đếm"),
        "during_use",
        resolve_working_days=3,
        completion_facts=("inspection_result",),
    ),
    _biz(
        "METER_CALIBRATION",
        N_("Kiểm tra và kiểm định thiết bị đo đếm"),
        "during_use",
        resolve_working_days=5,
        completion_facts=("inspection_result", "certificate_no"),
    ),
    _biz(
        "COMPLAINT",
        N_("Phản ánh / kiến nghị"),
        "complaints",
        resolve_working_days=6,
        contact_working_days=1,
        completion_facts=_SUBJECT,
    ),
    # Its 24 h written answer needs the reply's reference (số công văn).
    _biz(
        "MEDIA_COMPLAINT",
        N_("Phản ánh qua báo, đài, mạng xã hội"),
        "complaints",
        resolve_hours=24,
        around_the_clock=True,
        completion_facts=("reply_ref", *_SUBJECT),
    ),
    _biz(
        "OTHER",
        N_("Yêu cầu khác (nhập chung hóa đơn, thêm điểm dùng điện, di dời trụ, hỏi đáp…)"),
        "other_services",
        resolve_working_days=5,
    ),
)

TYPES: dict[str, TicketType] = {t.code: t for t in _ALL}


def get_type(code: str) -> TicketType:
    """The type with this code; ValueError names an unknown one."""
    try:
        return TYPES[code]
    except KeyError:
        raise ValueError(f"unknown ticket type {code!r}") from None
