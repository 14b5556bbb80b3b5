"""An action form: what it shows and requires, and the op data it stands for (CONTRACT's
sync shape).

The form's fields are the action's spec (rules.actions), named as in the op, with two
composites split in parts: a late reason (`late_code`, `late_note`) and how the customer was
told (`customer_informed_how`, `customer_informed_at`). Empty fields are left out, so the rules
(not a form library) say what is missing; values are passed on as typed, so the op schema names
anything malformed. js/offline.js reads the same specs (carried by each form) the same way.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from werkzeug.datastructures import MultiDict

from fieldapp.i18n import parse_input_datetime
from fieldapp.rules.actions import (
    ACTIONS,
    CLIENT_ACTIONS,
    FACTS,
    LEADER,
    ActionSpec,
    Field,
    get_action,
)
from fieldapp.rules.lifecycle import decide
from fieldapp.rules.state import Actor, Op, Refusal, TicketState

# The rules name a missing confirmation "customer_confirmation"; the form's box that gives it is
# the spec's "customer_confirmed".
REFUSED_AS = {"customer_confirmation": "customer_confirmed"}


@dataclass(frozen=True)
class ActionForm:
    """An action's form on one ticket: the spec's fields it shows, in order, and which of them
    the rules require; `prefill` are completion facts offered with the current time."""

    spec: ActionSpec
    fields: tuple[Field, ...]
    required: frozenset[str]
    prefill: frozenset[str] = frozenset()

    @property
    def multipart(self) -> bool:
        """Whether the form sends files (photos)."""
        return any(f.kind == "attachments" for f in self.fields)

    def as_json(self) -> dict:
        """What js/offline.js builds an op from and checks before queueing it."""
        return {**self.spec.as_json(), "required": sorted(self.required)}


def action_form(name: str, needs: Collection[str] = ()) -> ActionForm:
    """The form of an action; `needs` are what the rules ask of this ticket beyond the spec."""
    spec = ACTIONS[name]
    needs = {REFUSED_AS.get(n, n) for n in needs}
    fields = tuple(f for f in spec.fields if not _by_ticket(f.name) or f.name in needs)
    required = frozenset(f.name for f in fields if f.required or f.name in needs)
    return ActionForm(spec, fields, required, frozenset(needs & FACTS.keys()))


def _by_ticket(name: str) -> bool:
    """A field some tickets need and others not (a completion fact, the customer's
    confirmation): shown only where the rules ask for it."""
    return name in FACTS or name in REFUSED_AS.values()


def ticket_forms(state: TicketState) -> dict[str, ActionForm]:
    """Every action's form on this ticket (the page shows those the rules offer)."""
    needs = completion_needs(state)
    return {name: action_form(name, needs if name == "complete" else ()) for name in CLIENT_ACTIONS}


def completion_needs(state: TicketState) -> tuple[str, ...]:
    """What completing this ticket requires (the result, the type's facts, the customer's
    confirmation), as the rules name it missing from an empty completion: asked as if the
    ticket were accepted, at the moment it arrived (so a late reason is not among them)."""
    probe = replace(state, status="accepted")
    refusal = decide(probe, Op("complete", state.received_at, {}), Actor(None, LEADER))
    return refusal.fields if isinstance(refusal, Refusal) else ()


def form_names(fields) -> tuple[str, ...]:
    """Field names of a refusal as the form names them."""
    return tuple(REFUSED_AS.get(name, name) for name in fields)


def op_data(action: str, form: MultiDict, attachment_ids: Sequence[int] = ()) -> dict:
    """The op data an action form stands for."""
    spec = get_action(action)
    data = read_fields(spec.fields if spec else (), form)
    if attachment_ids and spec and spec.field("attachments"):
        data["attachments"] = data.get("attachments", []) + list(attachment_ids)
    return data


def read_fields(fields, form: MultiDict) -> dict:
    """The values a posted form gives these spec fields, read by kind (empty ones left out).
    The one reading of forms: ticket and incident actions alike."""
    data = {}
    for field in fields:
        value = _READERS.get(field.kind, _text)(field, form)
        if value is not None:
            data[field.name] = value
    return data


def _text(field: Field, form: MultiDict):
    return (form.get(field.name) or "").strip() or None


def _datetime(field: Field, form: MultiDict):
    return parse_input_datetime(form.get(field.name))


def _confirm(field: Field, form: MultiDict):
    return True if form.get(field.name) else None


def _person(field: Field, form: MultiDict):
    return _integer(form.get(field.name))


def _attachments(field: Field, form: MultiDict):
    """Ids, as ints where they are digits (the schema refuses the rest)."""
    return [_integer(v) for v in form.getlist(field.name) if v.strip()] or None


def _late_reason(field: Field, form: MultiDict):
    if not form.get("late_code"):
        return None
    return {"code": form["late_code"], "note": (form.get("late_note") or "").strip()}


def _informed(field: Field, form: MultiDict):
    how = (form.get(f"{field.name}_how") or "").strip()
    at = parse_input_datetime(form.get(f"{field.name}_at"))
    if not how and not at:
        return None
    return {"how": how, "at": at}


_READERS = {
    "datetime": _datetime,
    "confirm": _confirm,
    "person": _person,
    "attachments": _attachments,
    "ids": _attachments,
    "late_reason": _late_reason,
    "informed": _informed,
}


def _integer(value):
    """An id as an int when it is one; otherwise as given, for the schema to refuse."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else value or None
