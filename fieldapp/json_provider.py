"""The app's JSON answers, written by orjson.

Every API answer and every sync batch is a JSON body: the json module spent about 60 µs on a
CRM push's 1.6 KB answer, orjson about 5. Keys keep the order they were built in (sorting them
helped no client). Non-ASCII text is written as UTF-8, not as \\u escapes: the same JSON,
shorter for Vietnamese. Values orjson does not know go through Flask's own default (dates as
HTTP dates, decimals, objects with __html__), so every answer reads as it did before.

Reading stays with the json module: orjson refuses a lone surrogate outright, where the app
names the field that holds one (fieldapp.errors.refused). For the same reason an answer that
quotes such a field back is written by the json module, which escapes it.
"""

from typing import cast

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response as AnyResponse

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_COMPACT = {"separators": (",", ":")}


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing with orjson."""

    sort_keys = False

    def dumps(self, obj, **kwargs) -> str:
        if kwargs:  # a particular layout was asked for (indent, separators, sort_keys)
            return super().dumps(obj, **kwargs)
        return self._bytes(obj).decode()

    def response(self, *args, **kwargs) -> AnyResponse:
        obj = self._prepare_response_obj(args, kwargs)
        if self._app.debug:  # indented, as Flask answers in debug mode
            return super().response(obj)
        response_class = cast(type[Response], self._app.response_class)  # a Flask app's
        return response_class(self._bytes(obj) + b"\n", mimetype=self.mimetype)

    def _bytes(self, obj) -> bytes:
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except orjson.JSONEncodeError:  # a lone surrogate, which UTF-8 cannot hold
            return super().dumps(obj, **_COMPACT).encode()
