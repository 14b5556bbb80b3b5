"""Every Vietnamese text of the app has its English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import fieldapp

APP = Path(fieldapp.__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def source_messages() -> set[str]:
    """The msgids marked for translation in the app's Python code and templates."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        APP, METHODS, options_map=OPTIONS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_text_has_an_english_translation():
    with open(APP / "translations/en/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = {m.id: m.string for m in read_po(po) if m.id}
    untranslated = sorted(m for m in source_messages() if not catalogue.get(m))
    assert untranslated == []
