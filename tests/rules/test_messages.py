"""The Vietnamese sentences and labels shown to users."""

from fieldapp.rules import messages
from fieldapp.rules.catalog import TYPES


def test_every_field_a_refusal_can_name_has_a_label():
    facts = {name for t in TYPES.values() for name in t.completion_facts}
    named = facts | {
        "late_reason", "result", "customer_confirmation", "accepted", "note", "reason",
        "outcome", "reason_code", "new_eta", "status_note", "desk", "assignee_id",
    }
    assert named <= set(messages.FIELD_LABELS_VI)


def test_completion_blocked_lists_the_missing_fields_in_order():
    text = messages.completion_blocked(["restored_at", "cause"])
    assert text == "Chưa thể hoàn tất phiếu: còn thiếu thời gian có điện lại, nguyên nhân."


def test_unknown_fields_are_shown_as_they_are():
    assert messages.labels(["note", "mystery"]) == "ghi chú, mystery"


def test_other_sentences():
    assert "lý do trễ hạn" in messages.late_reason_required(["accept"])
    assert "thời hạn tiếp nhận" in messages.late_reason_required(["accept"])
    assert messages.invalid(["note"]).endswith("ghi chú.")
    assert "Báo cáo quá hạn" in messages.extend_after_deadline()
    assert "2 lần" in messages.extension_limit(2)
    assert "Đã hoàn tất" in messages.not_allowed_state("update", "completed")
