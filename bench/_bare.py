"""The baseline of the intake benchmark: a bare signed-insert endpoint (served by gunicorn).

Same database and same HMAC check as the real intake, then one INSERT of the raw body: what a
signed push costs before any of the app's rules, deadlines, events or reminders.
"""

import json
import os
import time

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert

from fieldapp.services.signing import verify

metadata = MetaData()
bare_intake = Table(
    "bench_bare_intake",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crm_id", String(64), unique=True),
    Column("body", Text),
)


def create_table(url: str) -> None:
    """Made once by the benchmark before gunicorn starts (its workers would race)."""
    metadata.create_all(create_engine(url), checkfirst=True)


# Pooled as the app's engine is (fieldapp.config): recycled, no ping before each use.
engine = create_engine(os.environ.get("DATABASE_URL", "sqlite://"), pool_recycle=1800)
SECRET = os.environ.get("CRM_SHARED_SECRET", "")
app = Flask(__name__)


@app.post("/bare")
def bare():
    body = request.get_data()
    if not verify(
        SECRET,
        request.headers.get("X-CRM-Timestamp"),
        request.headers.get("X-CRM-Signature"),
        body,
        time.time(),
        300,
    ):
        return {"error": "signature"}, 401
    data = json.loads(body)
    with engine.begin() as conn:
        conn.execute(insert(bare_intake).values(crm_id=data["crm_id"], body=body.decode()))
    return {"crm_id": data["crm_id"]}, 201


@app.get("/login")
def up():
    """Answers the start-up probe of bench._servers."""
    return "ok"
