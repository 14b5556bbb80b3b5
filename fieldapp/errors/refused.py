"""Text the app refuses at the door, and JSON nested deeper than any request needs.

No field of this app may hold a NUL or a lone surrogate (U+D800–U+DFFF). PostgreSQL cannot
store or even compare a NUL: a query with one raises instead of answering. A lone surrogate
(a JSON "\\ud800", or its bytes ED A0 80, which json.loads lets through) cannot be written out
as UTF-8: a page or a CRM callback that carries one fails every time. Pure functions, so the
workers can use the same rule.
"""

import json
import re
from itertools import accumulate

from fieldapp.rules.text import N_

NUL = N_("Không được chứa ký tự NUL.")
SURROGATE = N_("Không được chứa ký tự Unicode không hợp lệ.")
TOO_DEEP = N_("Nội dung JSON lồng nhau quá sâu.")
NOT_UTF8 = N_("Tham số trên địa chỉ không phải văn bản UTF-8 hợp lệ.")

# The app's deepest body (a sync op's late reason) nests 5 levels; the parser and any walk of
# its result run out of stack somewhere near 1000.
MAX_DEPTH = 32

_REFUSED = re.compile("[\x00\ud800-\udfff]")
# A JSON string, or an unterminated one up to the end: it always matches where it starts, so
# removing strings takes one pass whatever the body holds.
_STRING = re.compile(r'"(?:[^"\\]++|\\.|\\\Z)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1
_CHUNK = 1 << 16  # brackets counted at a time: a deep body is caught in its first chunk


def refusal(text: str) -> str | None:
    """Why the text may not be stored, or None when it may."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    return NUL if found.group() == "\x00" else SURROGATE


def escaped(text: str) -> str:
    """The text with each refused character written as its escape, so it can be stored."""
    return _REFUSED.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def refused_fields(value) -> dict[str, list[str]]:
    """The dotted paths of the refused strings (values or keys) of parsed JSON, each with why,
    in the API's error shape.

    Walks with a list instead of recursion: the body's depth is checked first, but this also
    serves values that never went through the door."""
    found: dict[str, list[str]] = {}
    pending = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if why := refusal(item):
                found[path or "_body"] = [why]
            continue
        if isinstance(item, list):
            item = dict(enumerate(item))
        if not isinstance(item, dict):
            continue
        for key, child in item.items():
            name = f"{path}.{key}" if path else str(key)
            if why := refusal(str(key)):
                found[name] = [why]
            else:
                pending.append((name, child))
    return found


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Does this JSON text nest arrays and objects more than `limit` deep? Counted, not parsed:
    the brackets outside strings, in one pass of C loops, however deep the body goes."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # most bodies: too few brackets to nest that deep, whatever the encoding
    try:  # decoded as json.loads decodes bytes (it also reads UTF-16 and UTF-32)
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    except UnicodeDecodeError:
        return False  # not JSON text: the parser refuses it without going deep
    outside_strings = _STRING.sub("", text).encode("utf-8", "surrogatepass")
    return _deeper_than(outside_strings.translate(None, _NOT_BRACKETS), limit)


def _deeper_than(brackets: bytes, limit: int) -> bool:
    """Does this run of brackets open more than `limit` at some point?"""
    depth = 0
    for start in range(0, len(brackets), _CHUNK):
        depths = list(
            accumulate(map(_STEP.__getitem__, brackets[start : start + _CHUNK]), initial=depth)
        )
        if max(depths) > limit:
            return True
        depth = depths[-1]
    return False
