"""The OpenAPI description is generated from the schemas and is a valid document."""

from openapi_spec_validator import validate


def test_openapi_describes_the_contract(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = spec["paths"]
    assert {
        "/api/v1/crm/tickets",
        "/api/v1/session",
        "/api/v1/sync",
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
    } <= set(paths)
    intake = spec["components"]["schemas"]["Intake"]
    assert {"crm_id", "type", "received_at", "team", "channel", "customer"} <= set(
        intake["required"]
    )
    assert "OUTAGE" in intake["properties"]["type"]["enum"]
