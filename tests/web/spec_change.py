"""A made-up completion fact, added the way a new one would be: one entry in the facts
(rules.actions.FACTS, with its name in rules.labels) and its name in a ticket type's
`completion_facts` (rules.catalog). Used by the page, API and browser tests that show this one
spec change is enough everywhere."""

from dataclasses import replace

from fieldapp.rules import actions, catalog
from fieldapp.rules.labels import LABELS
from sync import schemas

SEAL = actions.Field("seal_no", "text", max_length=20)
SEAL_NAME = "số niêm phong công tơ"


def add_seal_fact(monkeypatch, type_code: str = "OUTAGE") -> None:
    """Make the seal number a completion fact of the type, for this test only."""
    monkeypatch.setitem(actions.FACTS, SEAL.name, SEAL)
    monkeypatch.setitem(LABELS["field"], SEAL.name, SEAL_NAME)
    complete = actions.ACTIONS["complete"]
    # As rules.actions declares the facts in `complete`: optional in the data, required by type.
    optional = replace(SEAL, required=False)
    # After the other facts, before the customer's confirmation and the late reason.
    fields = complete.fields[:-2] + (optional,) + complete.fields[-2:]
    monkeypatch.setitem(actions.ACTIONS, "complete", replace(complete, fields=fields))
    kind = catalog.TYPES[type_code]
    monkeypatch.setitem(
        catalog.TYPES,
        type_code,
        replace(kind, completion_facts=kind.completion_facts + (SEAL.name,)),
    )
    # The sync schemas are built once from the specs when the app starts: built again here from
    # the changed spec, as a restart would.
    monkeypatch.setitem(
        schemas.DATA_SCHEMAS, "complete", schemas.data_schema(actions.ACTIONS["complete"])
    )
