"""What a phone offers for an op the server rejected, by the refusal's code (CONTRACT "Phones →
app: sync"). The page carries the table as data (js/offline.js reads it), so a button is shown
only where pressing it can succeed.

  fix:    open the action's form with what was typed, change it, and send it again;
  resend: send the same op again as it is: it may pass once something else has changed (the
          customer's confirmation recorded, the op before it fixed).
Discarding is always offered. A code missing here offers fixing only.
"""

REMEDIES: dict[str, tuple[str, ...]] = {
    "late_reason_required": ("fix",),  # the same op again lacks the reason again
    "invalid": ("fix",),
    "completion_blocked": ("fix", "resend"),
    # Nothing the sender can change: the leader confirms more extensions.
    "extension_limit": (),
    # Someone else holds the ticket now, it moved to the other desk, went back to the call
    # center or on to a status where the action has no place: sending again is refused again.
    "not_allowed": (),
}


def remedies(code: str) -> tuple[str, ...]:
    """What the sender of an op rejected with this code may do besides discarding it."""
    return REMEDIES.get(code, ("fix",))
