"""The page-weight bench runs end to end and the crew's first load stays under its target."""

from bench import page_weight


def test_first_load_of_the_list_is_under_60_kb():
    total, *parts, rows = page_weight.main()
    assert total.ok is True and 0 < total.value <= page_weight.TARGET_KB
    assert {p.name.split()[-1] for p in parts} == {"HTML", "CSS", "JS"}
    assert all(p.value > 0 for p in parts) and rows.value > 0
