"""One declarative spec per action: everything else about an action is derived from it.

The lifecycle's tables (event names, statuses, who may act, which actions need a late reason),
the sync API's data schemas, the page forms and their parsing, and the offline JS (which reads
the specs the page carries as JSON) all come from ACTIONS below. Adding a completion fact is one
entry in FACTS plus its name in the ticket type's `completion_facts` (rules.catalog).
"""

from dataclasses import dataclass

from fieldapp.rules.reasons import (
    COMPLAINT_SUBJECTS,
    CONTACT_OUTCOMES,
    INFORMED_BY,
    OBJECTIVE_REASONS,
    REASON_CODES,
    RETURN_REASONS,
)
from fieldapp.rules.state import BUSINESS, OPERATIONS

OPEN_STATUSES = ("received", "accepted", "in_progress")
WORKING_STATUSES = ("accepted", "in_progress")
# Before work starts: nobody has contacted the customer or recorded an update yet.
UNWORKED_STATUSES = ("received", "accepted")
DESK_ROLES = ("crew", "desk")
LEADER = "team_lead"
WORKERS = frozenset({*DESK_ROLES, LEADER})

NOTE_MAX = 2000
SHORT_MAX = 200


@dataclass(frozen=True)
class Field:
    """One field of an action's data.

    kind: text (one line), note (several lines), choice (one of `choices`, named by the labels
    of `labels`), datetime, date, confirm (a box that must be ticked), attachments (ids of
    uploaded files), person (a user id), id (another record's id), ids (ticket ids),
    late_reason ({code, note}), informed ({at, how}).
    `required` is checked by the rules (an empty field is a refusal naming it); completion
    facts are required by the ticket's type instead.
    """

    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    labels: str | None = None
    max_length: int = NOTE_MAX

    def as_json(self) -> dict:
        """What the page carries for the offline script."""
        return {"name": self.name, "kind": self.kind, "required": self.required}


@dataclass(frozen=True)
class ActionSpec:
    """An action: its event, where it may start, who may do it and what it carries."""

    name: str
    event: str
    allowed_from: tuple[str, ...]
    roles: frozenset[str]
    fields: tuple[Field, ...] = ()
    late_reason: bool = False  # once a deadline has passed, the action must say why
    client: bool = True  # pages and phones may send it (escalate is the system's own)
    submit_with: str | None = None  # a choice field whose choices are the form's send buttons
    leader_from: tuple[str, ...] = ()  # further statuses from which only the leader may act

    def field(self, name: str) -> Field | None:
        """The field of this name, if the action has it."""
        return next((f for f in self.fields if f.name == name), None)

    def as_json(self) -> dict:
        """The spec as the page carries it (js/offline.js builds ops from it)."""
        return {
            "event": self.event,
            "late_reason": self.late_reason,
            "fields": [f.as_json() for f in self.fields],
        }

    def statuses_for(self, role: str) -> tuple[str, ...]:
        """The statuses from which this role may take the action."""
        return self.allowed_from + (self.leader_from if role == LEADER else ())


def _note(name: str = "note", required: bool = True) -> Field:
    return Field(name, "note", required)


def _choice(name: str, choices: tuple[str, ...], labels: str) -> Field:
    return Field(name, "choice", choices=choices, labels=labels)


LATE_REASON = Field(
    "late_reason", "late_reason", required=False, choices=REASON_CODES, labels="reason"
)
_INFORMED = Field("customer_informed", "informed", choices=INFORMED_BY, labels="informed_by")
_ETA = Field("new_eta", "datetime")

# The facts a ticket type may need at completion (DOMAIN §4, §7), by name.
FACTS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("restored_at", "datetime"),
        Field("cause", "text"),
        Field("reconnected_at", "datetime"),
        Field("meter_serial", "text", max_length=SHORT_MAX),
        Field("energised_on", "date"),
        Field("cmis_updated", "confirm"),
        Field("inspection_result", "note"),
        Field("certificate_no", "text", max_length=SHORT_MAX),
        Field("reply_ref", "text", max_length=SHORT_MAX),  # số công văn of a written answer
        Field(
            "complaint_subject", "choice", choices=COMPLAINT_SUBJECTS, labels="complaint_subject"
        ),
    )
}
# Completion facts are optional in the data: the ticket's type says which are required.
_FACT_FIELDS = tuple(
    Field(f.name, f.kind, False, f.choices, f.labels, f.max_length) for f in FACTS.values()
)


def _worked(
    name,
    event,
    allowed_from,
    fields=(),
    late_reason=False,
    roles=WORKERS,
    submit_with=None,
    leader_from=(),
):
    return ActionSpec(
        name,
        event,
        allowed_from,
        roles,
        tuple(fields),
        late_reason,
        submit_with=submit_with,
        leader_from=leader_from,
    )


def _system(name, event, roles=frozenset({"system"}), fields=()):
    """An action of the app itself or of the CRM: no page or phone sends it."""
    return ActionSpec(name, event, OPEN_STATUSES, roles, tuple(fields), client=False)


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        _worked("accept", "accepted", ("received",), [LATE_REASON], late_reason=True),
        # A ticket that is not the team's goes back before work starts; after, only the leader
        # may send it back (DOMAIN §7).
        _worked(
            "return",
            "returned",
            UNWORKED_STATUSES,
            [_choice("reason", RETURN_REASONS, "return_reason"), _note()],
            leader_from=("in_progress",),
        ),
        _worked(
            "contact",
            "contacted",
            WORKING_STATUSES,
            [_choice("outcome", CONTACT_OUTCOMES, "outcome"), _note(required=False), LATE_REASON],
            late_reason=True,
            submit_with="outcome",
        ),
        _worked(
            "update",
            "updated",
            WORKING_STATUSES,
            [_note(), Field("attachments", "attachments", required=False), LATE_REASON],
            late_reason=True,
        ),
        _worked(
            "extend",
            "extended",
            WORKING_STATUSES,
            [_choice("reason_code", OBJECTIVE_REASONS, "reason"), _note(), _ETA, _INFORMED],
        ),
        _worked(
            "overdue_update",
            "overdue_update",
            OPEN_STATUSES,
            [
                _note("status_note"),
                _choice("reason_code", REASON_CODES, "reason"),
                _note(),
                _ETA,
                _INFORMED,
            ],
        ),
        _worked(
            "transfer",
            "transferred",
            OPEN_STATUSES,
            [_choice("desk", (OPERATIONS, BUSINESS), "desk"), _note()],
        ),
        # complete may start from "received" so that its refusal names the missing acceptance.
        _worked(
            "complete",
            "completed",
            OPEN_STATUSES,
            [_note("result", required=False), *_FACT_FIELDS, LATE_REASON],
            late_reason=True,
        ),
        _worked(
            "assign",
            "assigned",
            OPEN_STATUSES,
            [Field("assignee_id", "person")],
            roles=frozenset({LEADER}),
        ),
        # The duty desk signs the handover book for a reconnection handed over at closing.
        _worked("acknowledge", "acknowledged", OPEN_STATUSES, [_note(required=False)]),
        _system("escalate", "escalated"),
        # At the business desk's closing, an unfinished reconnection goes to the duty desk; the
        # CRM hears it as the transfer it is.
        _system("handover", "transferred"),
        # The call center chases the team (đôn đốc): the 15-minute overdue-update clock starts.
        _system("chase", "chased", frozenset({"crm"}), [_note(required=False)]),
        # What an incident does to its OUTAGE tickets: each its own op, judged like any other.
        ActionSpec(
            "link_incident",
            "incident_linked",
            OPEN_STATUSES,
            WORKERS,
            (Field("incident_id", "id"),),
            client=False,
        ),
        ActionSpec(
            "unlink_incident",
            "incident_unlinked",
            OPEN_STATUSES,
            WORKERS,
            (Field("incident_id", "id"),),
            client=False,
        ),
        ActionSpec(
            "follow_incident_eta",
            "extended",
            OPEN_STATUSES,
            WORKERS | {"system"},
            (Field("incident_id", "id"), Field("new_eta", "datetime")),
            client=False,
        ),
    )
}

# Events the CRM hears about (CONTRACT "App → CRM"); the rest stay in the app. An escalation
# is told to the CRM only when the reminder that escalated names it (rules.reminders).
CRM_EVENTS = frozenset(
    {
        "accepted",
        "returned",
        "contacted",
        "updated",
        "extended",
        "overdue_update",
        "transferred",
        "completed",
        "escalated",
        "created",
    }
)

# Wide-area incidents (DOMAIN §8): ops whose target is an incident. The cause code is the
# objective reason its late tickets take.
INCIDENT_CAUSES = ("grid_incident", "storm")
INCIDENT_STATUSES = ("open", "restored")
INCIDENT_ROLES = frozenset({"crew", LEADER})
MAX_LINKED = 500
_TICKETS = Field("tickets", "ids", max_length=MAX_LINKED)


def _incident(name, event, fields, allowed_from=("open",)) -> ActionSpec:
    return ActionSpec(name, event, allowed_from, INCIDENT_ROLES, tuple(fields))


INCIDENT_ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        _incident(
            "declare",
            "incident_reported",
            [
                _choice("kind", ("unplanned", "planned"), "incident_kind"),
                Field("area", "text", max_length=400),
                Field("station", "text", required=False, max_length=64),
                Field("feeder", "text", required=False, max_length=64),
                Field("started_at", "datetime"),
                Field("cause", "text", required=False),
                Field(
                    "cause_code", "choice", required=False, choices=INCIDENT_CAUSES, labels="reason"
                ),
                Field("eta", "datetime"),
                _note(required=False),
                Field("tickets", "ids", required=False, max_length=MAX_LINKED),
            ],
            allowed_from=(),
        ),
        _incident("update", "incident_updated", [Field("cause", "text", required=False), _note()]),
        _incident("eta", "incident_eta", [Field("eta", "datetime"), _note(required=False)]),
        _incident("link", "incident_linked", [_TICKETS]),
        _incident("unlink", "incident_unlinked", [_TICKETS]),
        _incident(
            "restore",
            "incident_restored",
            [
                Field("restored_at", "datetime"),
                Field("cause", "text", required=False),
                _note("result", required=False),
            ],
        ),
        ActionSpec("escalate", "escalated", ("open",), frozenset({"system"}), client=False),
    )
}
# The CRM hears every change of an incident (CONTRACT "Wide-area incidents"); an escalation
# only when its reminder names the CRM (services.changes).
CRM_INCIDENT_EVENTS = frozenset(spec.event for spec in INCIDENT_ACTIONS.values())
INCIDENT_CLIENT_ACTIONS = tuple(name for name, spec in INCIDENT_ACTIONS.items() if spec.client)

CLIENT_ACTIONS = tuple(name for name, spec in ACTIONS.items() if spec.client)
EVENT_NAMES = {name: spec.event for name, spec in ACTIONS.items()}
LATE_ACTIONS = tuple(name for name, spec in ACTIONS.items() if spec.late_reason)


def crm_hears(event: str, data: dict) -> bool:
    """Whether an event is sent to the CRM."""
    if event == "escalated":
        return "crm" in (data.get("notified") or ())
    return event in CRM_EVENTS


def get_action(name: str) -> ActionSpec | None:
    """The spec of an action, None for one the app does not know."""
    return ACTIONS.get(name)


def specs_json() -> dict:
    """Every client action's spec, as the pages carry it."""
    return {name: ACTIONS[name].as_json() for name in CLIENT_ACTIONS}
