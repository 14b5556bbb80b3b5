"""What every number of the reports counts, as SQL conditions on a ticket row.

Each condition is written once here and used twice: summed per team for a report or a chart
(`count(*) FILTER (WHERE condition)`), and as the WHERE of the list of the tickets behind a
number, so a number and its list cannot disagree.

Monthly report (DOMAIN §6, template B.01), per team, for a month and for the year to date:

- A ticket belongs to the period in which it was received (`received_at`, local time
  Asia/Ho_Chi_Minh). The year to date runs from 1 January through the end of the month.
- Outcomes are judged at the period's end, or now while the period is still running
  (`as_of`). So a month's report does not change once the month is over, and the outcome
  columns split the tickets received exactly:
  received = completed on time + completed late + returned + open not yet due + overdue open.
- accepted late: accepted before `as_of` after its accept-by (`late_accept`).
- returned: returned to the call center before `as_of`, before its deadline in force had
  passed. A ticket returned once overdue still counts as overdue (DOMAIN §7): a return does
  not hide it.
- completed on time / late: completed before `as_of`, late when after resolve-by
  (`late_resolve`). A late completion counts as objective when its recorded reason
  (`late_reason.code`) is an objective one (`rules.reasons.is_objective`); any other code, or
  no reason at all, counts as "other".
- overdue (not completed): not completed nor returned at `as_of`, and the deadline in force
  (resolve-by, or the later ETA of a recorded delay: `rules.clocks.effective_deadline`) before
  it; or returned before `as_of` after that deadline had passed. "Overdue" means this
  everywhere (quá hạn xử lý); not accepted by the accept deadline is the other, named kind
  (quá hạn tiếp nhận, `rules.clocks.overdue`).
- repeat requests: the customer contacted two or more times (`contact_count` ≥ 2) or the
  ticket carries the "repeat" flag; of those, how many came after the earlier request's
  deadline had passed (`repeat_after_deadline`, set at intake).
- complaints: the types of the B.01 group "complaints" (COMPLAINT, MEDIA_COMPLAINT, and
  POWER_QUALITY as a complaint about the quality of supply). Each is counted in one of three
  columns: "staff attitude" when completed before `as_of` with the subject chosen at
  completion being staff attitude; else "upset customers" when the customer is flagged
  difficult or the content showed them upset (flags "difficult", "upset"); else "other".
- by channel (`rules.catalog.CHANNELS`) and by service group (`TicketType.service_group`).

Dashboard, per team, at the moment the page is asked for (local days):

- open: not completed nor returned; due today: open with the deadline in force within today;
  overdue (xử lý): open with the deadline in force passed; overdue (tiếp nhận): waiting,
  not accepted by its accept deadline; completed late today: completed today, late.
- Chart of the last 30 days, per day: open at the end of the day and overdue at the end of
  the day (same rules at that instant; today's end is now), completed on time that day,
  completed late that day. These come from received/completed/returned times and deadlines,
  without replaying events.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, case, cast, false, func, not_, or_, true
from sqlalchemy.sql.elements import ColumnElement

from fieldapp.models import Ticket
from fieldapp.rules.actions import OPEN_STATUSES
from fieldapp.rules.catalog import CHANNELS, SERVICE_GROUPS, TYPES
from fieldapp.rules.clocks import OVERDUE_KINDS
from fieldapp.rules.counter import channels_counted_as
from fieldapp.rules.labels import LABELS
from fieldapp.rules.reasons import OBJECTIVE_REASONS

COMPLAINT_TYPES = tuple(code for code, kind in TYPES.items() if kind.complaint)


@dataclass(frozen=True)
class Column:
    """One column of the monthly report: its key, header, header group and page section."""

    key: str
    label: object
    group: object | None = None
    section: str = "outcomes"
    recorded: bool = True  # False: the app has no data for it yet (shown as "—")


def _outcome_columns() -> list[Column]:
    late, still_open = _l("Hoàn thành trễ hạn"), _l("Chưa hoàn thành")
    return [
        Column("received", _l("Số phiếu tiếp nhận")),
        Column("accepted_late", _l("Tiếp nhận trễ hạn")),
        Column("returned", _l("Trả lại CPCCC")),
        Column("completed_on_time", _l("Hoàn thành đúng hạn")),
        Column("completed_late", _l("Tổng"), late),
        Column("late_objective", _l("Lý do khách quan"), late),
        Column("late_other", _l("Lý do khác"), late),
        Column("open_not_due", _l("Chưa đến hạn"), still_open),
        Column("overdue_open", _l("Quá hạn"), still_open),
    ]


def _contact_columns() -> list[Column]:
    repeat, complaints = _l("Khách hàng gọi nhiều lần"), _l("Phản ánh")
    return [
        Column("repeat", _l("KH liên hệ ≥ 2 lần"), repeat, "contacts"),
        Column("repeat_after_deadline", _l("Đã quá hạn khi KH gọi lại"), repeat, "contacts"),
        Column("complaint_staff", _l("Thái độ nhân viên"), complaints, "contacts"),
        Column("complaint_upset", _l("KH bức xúc"), complaints, "contacts"),
        Column("complaint_other", _l("Phản ánh khác"), complaints, "contacts"),
    ]


def _catalog_columns() -> list[Column]:
    channel, group = _l("Theo kênh tiếp nhận"), _l("Theo nhóm dịch vụ")
    return [
        Column(f"channel_{c}", _l(LABELS["channel"][c]), channel, "channels") for c in CHANNELS
    ] + [
        Column(f"group_{g}", _l(LABELS["service_group"][g]), group, "groups")
        for g in SERVICE_GROUPS
    ]


COLUMNS: tuple[Column, ...] = tuple(_outcome_columns() + _contact_columns() + _catalog_columns())
SECTIONS = (
    ("outcomes", _l("Kết quả xử lý phiếu")),
    ("contacts", _l("Khách hàng liên hệ nhiều lần và phản ánh")),
    ("channels", _l("Theo kênh tiếp nhận")),
    ("groups", _l("Theo nhóm dịch vụ")),
)


def section_columns(section: str | None = None) -> list[Column]:
    """The columns of one page section, or all of them."""
    return [c for c in COLUMNS if section is None or c.section == section]


def header_runs(columns: list[Column]) -> list[tuple[object | None, list[Column]]]:
    """Consecutive columns sharing a header group: (group label or None, columns)."""
    runs: list[tuple[object | None, list[Column]]] = []
    for column in columns:
        if runs and column.group is not None and runs[-1][0] is column.group:
            runs[-1][1].append(column)
        else:
            runs.append((column.group, [column]))
    return runs


def _has_flag(name: str) -> ColumnElement[bool]:
    # Flags are a JSON list of a few fixed words; the quoted word matches one element exactly.
    return cast(Ticket.flags, String).like(f'%"{name}"%')


# rules.clocks.effective_deadline in SQL: the crew's later expected time, else resolve-by.
DEADLINE_IN_FORCE = case(
    (Ticket.expected_at > Ticket.resolve_by, Ticket.expected_at), else_=Ticket.resolve_by
)


def overdue_resolve(at) -> ColumnElement[bool]:
    """rules.clocks.overdue "resolve" in SQL, for a ticket open at `at`."""
    return DEADLINE_IN_FORCE < at


def overdue_accept(at) -> ColumnElement[bool]:
    """rules.clocks.overdue "accept" in SQL, for a ticket open at `at`."""
    return and_(Ticket.accepted_at.is_(None), Ticket.accept_by < at)


def is_open_at(at) -> ColumnElement[bool]:
    """Not completed and not returned at `at` (a datetime or a SQL expression)."""
    return and_(
        or_(Ticket.completed_at.is_(None), Ticket.completed_at >= at),
        or_(Ticket.returned_at.is_(None), Ticket.returned_at >= at),
    )


def completed_between(start, end, late: bool) -> ColumnElement[bool]:
    """Completed in [start, end), late or on time."""
    return and_(
        Ticket.completed_at >= start, Ticket.completed_at < end, Ticket.late_resolve.is_(late)
    )


def returned_overdue() -> ColumnElement[bool]:
    """Returned after its deadline in force had passed: still counted as overdue."""
    return overdue_resolve(Ticket.returned_at)


def _outcomes(as_of: datetime) -> dict[str, ColumnElement[bool]]:
    done = and_(Ticket.completed_at.is_not(None), Ticket.completed_at < as_of)
    late = and_(done, Ticket.late_resolve.is_(True))
    objective = func.coalesce(Ticket.late_reason["code"].as_string(), "").in_(OBJECTIVE_REASONS)
    still_open = is_open_at(as_of)
    returned = and_(Ticket.returned_at.is_not(None), Ticket.returned_at < as_of)
    return {
        "received": true(),
        "accepted_late": and_(Ticket.late_accept.is_(True), Ticket.accepted_at < as_of),
        "returned": and_(returned, not_(returned_overdue())),
        "completed_on_time": and_(done, Ticket.late_resolve.is_(False)),
        "completed_late": late,
        "late_objective": and_(late, objective),
        "late_other": and_(late, not_(objective)),
        "open_not_due": and_(still_open, not_(overdue_resolve(as_of))),
        "overdue_open": or_(
            and_(still_open, overdue_resolve(as_of)), and_(returned, returned_overdue())
        ),
    }


def _contacts(as_of: datetime) -> dict[str, ColumnElement[bool] | None]:
    repeat = or_(Ticket.contact_count >= 2, _has_flag("repeat"))
    complaint = Ticket.type.in_(COMPLAINT_TYPES)
    # Never NULL (NOT NULL would drop the ticket from "other"): set only at completion.
    attitude = and_(
        func.coalesce(Ticket.complaint_subject, "") == "attitude",
        Ticket.completed_at.is_not(None),
        Ticket.completed_at < as_of,
    )
    upset = and_(or_(_has_flag("difficult"), _has_flag("upset")), not_(attitude))
    return {
        "repeat": repeat,
        "repeat_after_deadline": and_(repeat, Ticket.repeat_after_deadline.is_(True)),
        "complaint_staff": and_(complaint, attitude),
        "complaint_upset": and_(complaint, upset),
        "complaint_other": and_(complaint, not_(attitude), not_(upset)),
    }


def _catalog() -> dict[str, ColumnElement[bool]]:
    by_channel = {f"channel_{c}": Ticket.channel.in_(channels_counted_as(c)) for c in CHANNELS}
    by_group = {}
    for group in SERVICE_GROUPS:
        codes = [t.code for t in TYPES.values() if t.service_group == group]
        by_group[f"group_{group}"] = Ticket.type.in_(codes) if codes else false()
    return {**by_channel, **by_group}


def report_conditions(as_of: datetime) -> dict[str, ColumnElement[bool] | None]:
    """Every report column's condition (None: not recorded) for tickets of a period."""
    return {**_outcomes(as_of), **_contacts(as_of), **_catalog()}


def received_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Received in [start, end)."""
    return and_(Ticket.received_at >= start, Ticket.received_at < end)


LIVE_BUCKETS = ("open", "due_today", "overdue", "overdue_accept", "late_today")
DAY_BUCKETS = ("open_eod", "on_time_day", "late_day", "overdue_eod")
BUCKET_LABELS = {
    "open": _l("Đang mở"),
    "due_today": _l("Đến hạn hôm nay"),
    "overdue": _l(OVERDUE_KINDS["resolve"]),
    "overdue_accept": _l(OVERDUE_KINDS["accept"]),
    "late_today": _l("Hoàn thành trễ hôm nay"),
    "open_eod": _l("Đang mở cuối ngày"),
    "on_time_day": _l("Hoàn thành đúng hạn"),
    "late_day": _l("Hoàn thành trễ hạn"),
    "overdue_eod": _l("Quá hạn cuối ngày"),
}


def live_conditions(
    now: datetime, day_start: datetime, day_end: datetime
) -> dict[str, ColumnElement[bool]]:
    """The dashboard's numbers now; today is [day_start, day_end) in local time."""
    still_open = Ticket.status.in_(OPEN_STATUSES)
    return {
        "open": still_open,
        "due_today": and_(still_open, DEADLINE_IN_FORCE >= day_start, DEADLINE_IN_FORCE < day_end),
        "overdue": and_(still_open, overdue_resolve(now)),
        "overdue_accept": and_(still_open, overdue_accept(now)),
        "late_today": completed_between(day_start, day_end, late=True),
    }


def day_conditions(start, end) -> dict[str, ColumnElement[bool]]:
    """A chart day's numbers; `end` is the end of the day, or now for today."""
    still_open = and_(Ticket.received_at < end, is_open_at(end))
    return {
        "open_eod": still_open,
        "on_time_day": completed_between(start, end, late=False),
        "late_day": completed_between(start, end, late=True),
        "overdue_eod": and_(still_open, overdue_resolve(end)),
    }


NOTES = (
    _l(
        "Phiếu được tính vào kỳ theo thời điểm tiếp nhận (giờ Việt Nam). Lũy kế năm tính từ "
        "ngày 01/01 đến hết tháng báo cáo."
    ),
    _l(
        "Kết quả xử lý tính đến cuối kỳ, hoặc đến thời điểm xem nếu kỳ chưa kết thúc: số phiếu "
        "tiếp nhận = hoàn thành đúng hạn + hoàn thành trễ hạn + trả lại CPCCC + chưa hoàn thành. "
        "Phiếu trả lại CPCCC khi đã quá hạn xử lý vẫn được tính là quá hạn."
    ),
    _l(
        "Hoàn thành trễ hạn do lý do khách quan: lý do trễ đã ghi là mưa bão, sự cố lưới điện "
        "diện rộng, khách hàng vắng nhà hoặc hẹn thời gian khác, chờ vật tư, không tiếp cận được "
        "hiện trường, chờ đơn vị khác; lý do khác hoặc không ghi lý do được tính là lý do khác."
    ),
    _l(
        "KH liên hệ ≥ 2 lần: khách hàng liên hệ từ 2 lần trở lên hoặc phiếu được đánh dấu lần "
        "2+; trong đó, đã quá hạn khi KH gọi lại: yêu cầu trước đã quá thời hạn xử lý."
    ),
    _l(
        "Phản ánh: phiếu loại Phản ánh / kiến nghị, Phản ánh qua báo, đài, mạng xã hội và Kiến "
        "nghị chất lượng điện năng; mỗi phản ánh được tính vào một cột. Thái độ nhân viên: nội "
        "dung phản ánh chọn khi hoàn tất là thái độ nhân viên. KH bức xúc: các phản ánh còn lại "
        "của khách hàng được đánh dấu khó tính hoặc có nội dung thể hiện bức xúc. Phản ánh khác: "
        "các phản ánh còn lại."
    ),
)
