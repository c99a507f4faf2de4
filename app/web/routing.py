"""URL converters: an `<int:...>` in a URL never exceeds what a database id column holds.

Werkzeug's `int` takes any number of digits; /alerts/9223372036854775808 reached SQLite as
an integer it cannot bind, and /alerts/2147483648 overflowed PostgreSQL's `integer` id
columns: server errors (found by schemathesis). Bounded to the ids' type, a signed 32-bit
`INTEGER` on PostgreSQL, a larger id is simply not found (404).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the `Integer` primary keys on PostgreSQL


class BoundedIntegerConverter(IntegerConverter):
    """`int` with a default maximum of the largest id a table can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_routing(app: Flask) -> None:
    """Use the bounded `int` converter for every route registered after this."""
    app.url_map.converters["int"] = BoundedIntegerConverter
