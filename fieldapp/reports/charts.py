"""Geometry of the dashboard's 30-day chart, drawn as SVG on the server (no JavaScript).

Per day: stacked bars of tickets completed on time and late that day, and two lines, the
tickets open and overdue at the end of the day.
"""

import math
from dataclasses import dataclass
from datetime import date

# About the width of the chart on a phone and in a desktop column, so text keeps its size.
WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 10, 22
MIN_TOP = 4  # a near-empty chart still gets a readable scale (0–4)


@dataclass(frozen=True)
class Bar:
    kind: str  # on_time_day | late_day
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ChartDay:
    """One day's column: where it is, its bars, and the numbers behind it."""

    day: date
    x: float
    width: float
    bars: tuple[Bar, ...]
    values: dict[str, int]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    ticks: tuple[tuple[float, int], ...]  # (y, value) of the horizontal grid lines
    days: tuple[ChartDay, ...]
    lines: dict[str, str]  # SVG polyline points per series
    labels: tuple[tuple[float, date, str], ...]  # x, day and text-anchor of the day labels


def nice_top(value: int) -> tuple[int, int]:
    """(axis top, grid step): a round step (1, 2 or 5 × 10^k) giving at most 4 grid lines."""
    value = max(value, MIN_TOP)
    magnitude = 10 ** max(0, int(math.log10(value)) - 1)
    for factor in (1, 2, 5, 10, 20, 50, 100):
        step = factor * magnitude
        if math.ceil(value / step) <= 4:
            return math.ceil(value / step) * step, step
    raise AssertionError("unreachable: factor 100 always fits")


def _r(value: float) -> float:
    return round(value, 1)


def daily_chart(days: list[tuple[date, dict[str, int]]]) -> Chart:
    """Lay out the chart for a run of days (oldest first) and their numbers."""
    left, top, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    highest = max(
        (max(v["open_eod"], v["overdue_eod"], v["on_time_day"] + v["late_day"]) for _, v in days),
        default=0,
    )
    axis_top, step = nice_top(highest)
    scale = (bottom - top) / axis_top
    slot = (right - left) / max(len(days), 1)
    columns = []
    points: dict[str, list[str]] = {"open_eod": [], "overdue_eod": []}
    for i, (day, values) in enumerate(days):
        x = left + i * slot
        columns.append(
            ChartDay(day, _r(x), _r(slot), _bars(values, x, slot, bottom, scale), values)
        )
        for series, found in points.items():
            found.append(f"{_r(x + slot / 2)},{_r(bottom - values[series] * scale)}")
    ticks = tuple((_r(bottom - v * scale), v) for v in range(0, axis_top + 1, step))
    # A label a week, counted back from today; the last one ends at the right edge.
    labels = tuple(
        (_r(c.x + slot / 2), c.day, "middle")
        for i, c in enumerate(columns)
        if (len(columns) - 1 - i) % 7 == 0 and i < len(columns) - 1
    )
    if columns:
        labels += ((right, columns[-1].day, "end"),)
    return Chart(
        WIDTH,
        HEIGHT,
        (left, top, right, bottom),
        ticks,
        tuple(columns),
        {k: " ".join(v) for k, v in points.items()},
        labels,
    )


def _bars(
    values: dict[str, int], x: float, slot: float, bottom: float, scale: float
) -> tuple[Bar, ...]:
    """On-time completions at the bottom, late ones stacked on top."""
    bars, base = [], bottom
    for kind in ("on_time_day", "late_day"):
        height = values[kind] * scale
        if height:
            bars.append(
                Bar(kind, _r(x + slot * 0.2), _r(base - height), _r(slot * 0.6), _r(height))
            )
            base -= height
    return tuple(bars)
