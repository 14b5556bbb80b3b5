"""The numbers the tests expect, counted from the scenarios alone, and the headers they expect."""

from datetime import datetime

from tests.reports.scenarios import COMPLAINTS, GROUP_OF, OBJECTIVE, Scenario

CHANNEL = "Theo kênh tiếp nhận"
GROUP = "Theo nhóm dịch vụ"
LATE = "Hoàn thành trễ hạn"
OPEN = "Chưa hoàn thành"
REPEAT = "Khách hàng gọi nhiều lần"
COMPLAINT = "Phản ánh"
# key → (header group, header): the report's columns as the tests expect to read them.
HEADERS = {
    "received": (None, "Số phiếu tiếp nhận"),
    "accepted_late": (None, "Tiếp nhận trễ hạn"),
    "returned": (None, "Trả lại CPCCC"),
    "completed_on_time": (None, "Hoàn thành đúng hạn"),
    "completed_late": (LATE, "Tổng"),
    "late_objective": (LATE, "Lý do khách quan"),
    "late_other": (LATE, "Lý do khác"),
    "open_not_due": (OPEN, "Chưa đến hạn"),
    "overdue_open": (OPEN, "Quá hạn"),
    "repeat": (REPEAT, "KH liên hệ ≥ 2 lần"),
    "repeat_after_deadline": (REPEAT, "Đã quá hạn khi KH gọi lại"),
    "complaint_staff": (COMPLAINT, "Thái độ nhân viên"),
    "complaint_upset": (COMPLAINT, "KH bức xúc"),
    "complaint_other": (COMPLAINT, "Phản ánh khác"),
    "channel_phone": (CHANNEL, "Điện thoại"),
    "channel_website": (CHANNEL, "Website"),
    "channel_app": (CHANNEL, "Ứng dụng"),
    "channel_email": (CHANNEL, "Email"),
    "channel_portal": (CHANNEL, "Cổng dịch vụ công quốc gia"),
    "channel_zalo": (CHANNEL, "Zalo"),
    "channel_sms": (CHANNEL, "SMS"),
    "channel_other": (CHANNEL, "Khác"),
    "group_new_supply": (GROUP, "Cấp điện mới trung, hạ áp"),
    "group_during_use": (GROUP, "Dịch vụ trong quá trình sử dụng điện"),
    "group_other_services": (GROUP, "Dịch vụ khác"),
    "group_complaints": (GROUP, "Phản ánh, kiến nghị"),
    "group_lookups": (GROUP, "Tra cứu, hỏi đáp"),
}
NOT_RECORDED: set[str] = set()
# No ticket type is a look-up (the call center answers those itself): always zero.
ALWAYS_ZERO = {"group_lookups"}


def _tests(as_of: datetime) -> dict:
    """Each column as a test on one scenario."""

    def late(s: Scenario) -> bool:
        return s.late and s.completed_before(as_of)

    def complaint(s: Scenario) -> bool:
        return s.type in COMPLAINTS

    def attitude(s: Scenario) -> bool:
        return complaint(s) and s.subject == "attitude" and s.completed_before(as_of)

    def upset(s: Scenario) -> bool:
        return complaint(s) and not attitude(s) and (s.difficult or s.upset)

    def returned(s: Scenario) -> bool:
        return s.returned_at is not None and s.returned_at < as_of

    tests = {
        "received": lambda s: True,
        "accepted_late": lambda s: s.accept_late,
        "returned": lambda s: returned(s) and not s.returned_overdue(),
        "completed_on_time": lambda s: s.outcome == "on_time" and s.completed_before(as_of),
        "completed_late": late,
        "late_objective": lambda s: late(s) and s.late_code in OBJECTIVE,
        "late_other": lambda s: late(s) and s.late_code not in OBJECTIVE,
        "open_not_due": lambda s: s.open_at(as_of) and s.resolve_by >= as_of,
        "overdue_open": lambda s: (
            (s.open_at(as_of) and s.resolve_by < as_of) or (returned(s) and s.returned_overdue())
        ),
        "repeat": lambda s: s.repeat,
        "repeat_after_deadline": lambda s: s.repeat and s.expect_after_deadline,
        "complaint_staff": attitude,
        "complaint_upset": upset,
        "complaint_other": lambda s: complaint(s) and not attitude(s) and not upset(s),
    }
    for key in HEADERS:
        if key.startswith("channel_"):
            tests[key] = lambda s, c=key[8:]: s.channel == c
        elif key.startswith("group_"):
            tests[key] = lambda s, g=key[6:]: GROUP_OF[s.type] == g
    return tests


def report_numbers(
    scenarios: list[Scenario], start: datetime, end: datetime, as_of: datetime, teams: set[str]
) -> dict[str, int | None]:
    """Every column's expected value for the tickets of `teams` received in [start, end)."""
    rows = [s for s in scenarios if start <= s.received_at < end and s.team in teams]
    numbers: dict[str, int | None] = {
        k: sum(1 for s in rows if test(s)) for k, test in _tests(as_of).items()
    }
    return {k: numbers[k] for k in HEADERS}
