"""Names of codes and the rules' sentences, in the user's language, through the one catalogue.

The Vietnamese names and sentences live with the rules (rules.labels, rules.messages) as
catalogue entries; their English is in translations/en. Templates call `label`.
"""

from flask_babel import gettext, pgettext

from fieldapp.rules.labels import label_msgid
from fieldapp.rules.state import Refusal
from fieldapp.rules.text import Text

# Kinds whose Vietnamese may equal another kind's but not their English ("Tiếp nhận": the
# button is "Accept", the timeline's event "Accepted"): translated in a context of their own.
CONTEXTUAL = frozenset({"button"})


def label(kind: str, code: str | None) -> str:
    """The name of a code in the current language; unknown codes as they are."""
    if code is None:
        return ""
    msgid = label_msgid(kind, code)
    return pgettext(kind, msgid) if kind in CONTEXTUAL else gettext(msgid)


def field_list(names) -> str:
    """Field names as a comma-separated list of their labels."""
    return ", ".join(label("field", name) for name in names)


def render(text: Text) -> str:
    """A rules' sentence in the current language."""
    return text.render(gettext)


def refusal_text(refusal: Refusal) -> str:
    """Why an op was refused, for the user, in the current language."""
    return render(refusal.text)
