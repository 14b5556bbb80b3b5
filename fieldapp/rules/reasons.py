"""The code lists of DOMAIN.md §4 and §7: late and delay reasons, return reasons, contact
outcomes, complaint subjects, and how a customer was told of a delay. Their names are in
rules.labels."""

# Reports count objective reasons apart from the rest (DOMAIN §4, §6).
OBJECTIVE_REASONS = (
    "storm",
    "grid_incident",
    "customer_absent",
    "customer_requested_later",
    "waiting_materials",
    "site_inaccessible",
    "waiting_other_unit",
)
OTHER_REASONS = ("workload", "staff_unavailable", "other")
REASON_CODES = OBJECTIVE_REASONS + OTHER_REASONS

# What a complaint was about, chosen at completion; B.01 counts "attitude" apart (DOMAIN §7).
COMPLAINT_SUBJECTS = ("attitude", "supply_quality", "billing", "other")
RETURN_REASONS = ("not_our_area", "wrong_info", "missing_info", "other")
CONTACT_OUTCOMES = ("reached", "no_answer", "confirmed_done")
# How the customer was told the cause and the new time of a delay (CONTRACT customer_informed).
INFORMED_BY = ("phone", "sms", "zalo", "in_person")


def is_objective(code: str | None) -> bool:
    """Whether a reason code is an objective cause (storm, customer absent, ...)."""
    return code in OBJECTIVE_REASONS
