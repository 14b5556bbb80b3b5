"""Texts for people as catalogue entries: a Vietnamese msgid and its parameters.

The rules stay free of Flask-Babel. They mark each sentence and label with N_ (pybabel extracts
that keyword) and hand back Text values; whoever shows one renders it with the translation of
the moment (the request's language on a page, Vietnamese in the API), so every text of the app
is translated in one catalogue. Rendered without a translation, a Text is its Vietnamese.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Translate = Callable[[str], str]


def N_(msgid: str) -> str:
    """Mark a text for the catalogue where it is defined; it is translated where it is shown."""
    return msgid


def _as_is(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class Labels:
    """Codes shown as their labels, comma-separated (e.g. the fields a refusal names)."""

    kind: str
    codes: tuple[str, ...]

    def render(self, translate: Translate = _as_is) -> str:
        """The labels in the language of `translate`."""
        from fieldapp.rules.labels import label_msgid

        return ", ".join(translate(label_msgid(self.kind, code)) for code in self.codes)


@dataclass(frozen=True)
class Text:
    """A sentence to show: its catalogue entry and the values of its %(name)s placeholders."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    def render(self, translate: Translate = _as_is) -> str:
        """The sentence in the language of `translate` (Vietnamese by default)."""
        values = {name: _render_value(value, translate) for name, value in self.params}
        return translate(self.msgid) % values if values else translate(self.msgid)

    def __str__(self) -> str:
        return self.render()


def text(msgid: str, **params) -> Text:
    """A Text with its parameters."""
    return Text(msgid, tuple(params.items()))


def labels(kind: str, codes: Iterable[str]) -> Labels:
    """Codes of one kind, shown as their labels."""
    return Labels(kind, tuple(codes))


def _render_value(value, translate: Translate):
    if isinstance(value, Labels | Text):
        return value.render(translate)
    return value
