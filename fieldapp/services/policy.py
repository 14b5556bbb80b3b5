"""The rules' operator settings in force, built once from the app's configuration."""

from flask import current_app

from fieldapp.rules.policy import REPEAT_WINDOW_DAYS, Policy, parse_eta_caps, parse_words


def current_policy() -> Policy:
    """The Policy of this app (ETA_CAP_HOURS, UPSET_WORDS, ...), built on first use."""
    policy = current_app.extensions.get("fieldapp.policy")
    if policy is None:
        config = current_app.config
        policy = Policy(
            eta_cap_hours=parse_eta_caps(config.get("ETA_CAP_HOURS")),
            upset_words=parse_words(config.get("UPSET_WORDS")),
            repeat_window_days=int(config.get("REPEAT_WINDOW_DAYS") or REPEAT_WINDOW_DAYS),
        )
        current_app.extensions["fieldapp.policy"] = policy
    return policy
