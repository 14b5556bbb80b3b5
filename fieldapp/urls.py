"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id a database integer column holds


class IdConverter(IntegerConverter):
    """`<int:...>` limited to the ids a table can hold, so a huge number is a 404, not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
