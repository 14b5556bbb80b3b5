"""The HTML screens: their blueprints, languages, static assets and template helpers."""

import uuid

from flask import Flask

from fieldapp import assets, i18n
from fieldapp.labels import label
from fieldapp.rules.actions import CLIENT_ACTIONS, INCIDENT_CLIENT_ACTIONS
from fieldapp.rules.clocks import OVERDUE_KINDS, SOON_SHARE
from fieldapp.rules.reasons import (
    COMPLAINT_SUBJECTS,
    CONTACT_OUTCOMES,
    INFORMED_BY,
    OBJECTIVE_REASONS,
    REASON_CODES,
    RETURN_REASONS,
)
from fieldapp.rules.rejections import REMEDIES


def init_app(app: Flask) -> None:
    """Register the screens' blueprints and what their templates use."""
    from fieldapp.auth import bp as auth_bp
    from fieldapp.board import bp as board_bp
    from fieldapp.desk import bp as desk_bp
    from fieldapp.errors import bp as errors_bp
    from fieldapp.incidents import bp as incidents_bp
    from fieldapp.tickets import bp as tickets_bp

    i18n.init_app(app)
    assets.init_app(app)
    app.jinja_env.globals.update(
        label=label,
        new_op_id=new_op_id,
        reason_codes=REASON_CODES,
        objective_codes=OBJECTIVE_REASONS,
        return_reasons=RETURN_REASONS,
        outcomes=CONTACT_OUTCOMES,
        informed_by=INFORMED_BY,
        overdue_kinds=OVERDUE_KINDS,
        soon_share=SOON_SHARE,
        complaint_subjects=COMPLAINT_SUBJECTS,
        client_actions=CLIENT_ACTIONS,
        incident_client_actions=INCIDENT_CLIENT_ACTIONS,
        rejection_remedies=REMEDIES,
    )
    app.jinja_env.filters["sentence"] = sentence
    for bp in (auth_bp, tickets_bp, desk_bp, board_bp, incidents_bp, errors_bp):
        app.register_blueprint(bp)


def new_op_id() -> str:
    """A fresh op id for a form, so submitting it twice applies it once."""
    return uuid.uuid4().hex


def sentence(text: str) -> str:
    """The text with its first letter capitalised (and the rest left alone: "CMIS" stays)."""
    text = str(text)
    return text[:1].upper() + text[1:]
