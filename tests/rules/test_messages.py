"""The sentences and labels shown to users: catalogue entries rendered where shown."""

from fieldapp.rules import labels, messages
from fieldapp.rules.actions import ACTIONS, INCIDENT_ACTIONS
from fieldapp.rules.catalog import TYPES


def test_every_field_a_refusal_can_name_has_a_label():
    facts = {name for t in TYPES.values() for name in t.completion_facts}
    action_fields = {
        f.name for spec in (*ACTIONS.values(), *INCIDENT_ACTIONS.values()) for f in spec.fields
    }
    named = facts | action_fields | {"customer_confirmation", "accepted"}
    assert named <= set(labels.LABELS["field"])


def test_completion_blocked_lists_the_missing_fields_in_order():
    text = messages.completion_blocked(["restored_at", "cause"]).render()
    assert text == "Chưa thể hoàn tất phiếu: còn thiếu thời gian có điện lại, nguyên nhân."


def test_unknown_fields_are_shown_as_they_are():
    assert messages.fields(["note", "mystery"]).render() == "ghi chú, mystery"


def test_a_text_renders_through_a_translation():
    english = {
        "Thông tin còn thiếu hoặc chưa hợp lệ: %(fields)s.": "Missing or invalid: %(fields)s.",
        "ghi chú": "note",
    }
    text = messages.invalid(["note"])
    assert text.render(lambda msgid: english.get(msgid, msgid)) == "Missing or invalid: note."
    assert str(text) == "Thông tin còn thiếu hoặc chưa hợp lệ: ghi chú."


def test_other_sentences():
    assert "lý do trễ hạn" in str(messages.late_reason_required(["accept"]))
    assert "thời hạn tiếp nhận" in str(messages.late_reason_required(["accept"]))
    assert str(messages.invalid(["note"])).endswith("ghi chú.")
    assert "Báo cáo quá hạn" in str(messages.extend_after_deadline())
    assert "2 lần" in str(messages.extension_limit(2))
    assert "Đã hoàn tất" in str(messages.not_allowed_state("update", "completed"))
