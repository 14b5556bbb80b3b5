"""The rules' operator settings in force, built once from the app's configuration."""

from flask import current_app

from fieldapp.rules.policy import Policy, parse_eta_caps


def current_policy() -> Policy:
    """The Policy of this app (ETA_CAP_HOURS, ...), built on first use."""
    policy = current_app.extensions.get("fieldapp.policy")
    if policy is None:
        policy = Policy(eta_cap_hours=parse_eta_caps(current_app.config.get("ETA_CAP_HOURS")))
        current_app.extensions["fieldapp.policy"] = policy
    return policy
