"""Which rejected ops a phone may resend or fix: one table, covering every refusal code."""

import ast
from pathlib import Path

import fieldapp
from fieldapp.rules.rejections import REMEDIES, remedies

APP = Path(fieldapp.__file__).parent


def refusal_codes() -> set[str]:
    """Every code the app refuses an op with (Refusal("code", ...) anywhere in the app)."""
    codes = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Refusal"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_refusal_code_says_what_the_phone_offers():
    # still_without_power only names the tickets a restore left open: no op of its own.
    assert refusal_codes() - {"still_without_power"} <= set(REMEDIES)


def test_an_op_refused_because_someone_else_holds_the_ticket_is_not_resent():
    assert "resend" not in remedies("not_allowed")
    assert remedies("late_reason_required") == ("fix",)  # as it was, it lacks the reason again
    assert "resend" in remedies("completion_blocked")  # e.g. once the customer confirmed


def test_an_unknown_code_offers_fixing_only():
    assert remedies("something_new") == ("fix",)
