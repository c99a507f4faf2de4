"""The feeds: one module per file kind, each a row schema plus the checks that span columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from marshmallow import Schema

from importers.engine import Cells, FileState, Parsed
from importers.feeds import baselines, customs, declarations, export_notifications, registry


@dataclass(frozen=True)
class Feed:
    """One kind of file: its row schema, its cross-column checks and its record columns."""

    name: str
    schema: type[Schema]
    finish: Callable[[Cells, dict[str, Parsed], FileState], dict[str, np.ndarray]]
    output_columns: tuple[str, ...]
    int_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the canonical input columns, in documented order."""
        return tuple(self.schema._declared_fields)

    @property
    def required(self) -> frozenset[str]:
        """Return the input columns a file must have."""
        return frozenset(n for n, f in self.schema._declared_fields.items() if f.required)


FEEDS: Mapping[str, Feed] = MappingProxyType({
    "registry": Feed("registry", registry.RegistryRow, registry.finish, registry.OUTPUT_COLUMNS),
    "declarations": Feed(
        "declarations", declarations.DeclarationRow, declarations.finish,
        declarations.OUTPUT_COLUMNS,
    ),
    "customs": Feed(
        "customs", customs.CustomsRow, customs.finish, customs.OUTPUT_COLUMNS, customs.INT_COLUMNS
    ),
    "baselines": Feed(
        "baselines", baselines.BaselineRow, baselines.finish, baselines.OUTPUT_COLUMNS,
        baselines.INT_COLUMNS,
    ),
    "export_notifications": Feed(
        "export_notifications", export_notifications.ExportNotificationRow,
        export_notifications.finish, export_notifications.OUTPUT_COLUMNS,
    ),
})


def feed_named(name: str) -> Feed:
    """Return a feed by name (`export-notifications` as the CLI spells it works too)."""
    try:
        return FEEDS[name.replace("-", "_")]
    except KeyError:
        raise ValueError(f"unknown feed {name!r} (known: {', '.join(FEEDS)})") from None
