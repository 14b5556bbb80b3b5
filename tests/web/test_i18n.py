"""Vietnam's way of writing times, and the translations the app compiles itself."""

from datetime import UTC, datetime, timedelta

from fieldapp.i18n import (
    compile_translations,
    format_date,
    format_datetime,
    format_duration,
    input_datetime,
    parse_input_datetime,
)


def test_times_are_shown_in_vietnam(app):
    at = datetime(2027, 2, 3, 17, 5, tzinfo=UTC)  # 00:05 on the 4th in Vietnam
    with app.test_request_context():
        assert format_datetime(at) == "00:05 04/02/2027"
        assert format_date(at) == "04/02/2027"
        assert input_datetime(at) == "2027-02-04T00:05"


def test_form_times_are_read_as_vietnam_time(app):
    with app.test_request_context():
        assert parse_input_datetime("2027-02-04T00:05") == "2027-02-04T00:05:00+07:00"
        assert parse_input_datetime("") is None
        assert parse_input_datetime("soon") == "soon"  # left for the op schema to refuse


def test_durations(app):
    with app.test_request_context():
        assert format_duration(timedelta(minutes=5, seconds=59)) == "5 phút"
        assert format_duration(timedelta(hours=2, minutes=3)) == "2 giờ 3 phút"
        assert format_duration(timedelta(days=3, hours=4)) == "3 ngày 4 giờ"


def test_translations_compile_when_missing(tmp_path):
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Nhận"\nmsgstr "Accept"\n',
        encoding="utf-8",
    )
    compile_translations(tmp_path)
    mo = po.with_suffix(".mo")
    assert mo.exists() and b"Accept" in mo.read_bytes()
    stamp = mo.stat().st_mtime_ns
    compile_translations(tmp_path)
    assert mo.stat().st_mtime_ns == stamp  # up to date: left alone
