"""Which month the monthly report (DOMAIN §6) opens on when none is asked for."""

from datetime import date

# In the first days of a month leaders read the month just closed (B.01 is due then), not
# the new one with almost nothing in it yet.
PREVIOUS_MONTH_UNTIL_DAY = 5


def default_report_month(today: date) -> tuple[int, int]:
    """(year, month): the previous month on days 1–5, else the current one."""
    if today.day > PREVIOUS_MONTH_UNTIL_DAY:
        return today.year, today.month
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
