"""An incident action's form, and the op data it stands for (CONTRACT's sync shape).

Like the ticket forms (tickets/forms.py), the form's fields are the action's spec
(rules.actions INCIDENT_ACTIONS), named as in the op; js/offline.js reads the same spec, which
the form carries, to queue it with no signal. Empty fields are left out, so the rules say what is
missing; values are passed on as typed, so the op schema names anything malformed.
"""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from fieldapp.rules.actions import INCIDENT_ACTIONS, ActionSpec, Field
from fieldapp.tickets.forms import read_fields

# Fields a form does not show: a declaration links its tickets on the incident's page after.
_HIDDEN = {"declare": ("tickets",)}


@dataclass(frozen=True)
class IncidentForm:
    """An action's form: the spec's fields it shows, in order, and those the rules require."""

    spec: ActionSpec
    fields: tuple[Field, ...]

    @property
    def required(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.required)

    def as_json(self) -> dict:
        """What js/offline.js builds the op from."""
        return {
            **self.spec.as_json(),
            "fields": [f.as_json() for f in self.fields],
            "required": sorted(self.required),
        }


def incident_form(action: str) -> IncidentForm:
    """The form of an incident action (KeyError for an action incidents do not have)."""
    spec = INCIDENT_ACTIONS[action]
    hidden = _HIDDEN.get(action, ())
    return IncidentForm(spec, tuple(f for f in spec.fields if f.name not in hidden))


def op_data(form: IncidentForm, values: MultiDict) -> dict:
    """The op data a posted form stands for (read as the ticket forms are)."""
    return read_fields(form.fields, values)
