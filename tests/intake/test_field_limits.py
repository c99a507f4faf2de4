"""The readers' text limits and the stored columns agree, so both engines store the same rows.

PostgreSQL refuses a varchar longer than its column, SQLite stores it: a 400-character name
was stored on one and failed the whole file on the other. Each text field's `max_length`
must fit the column it is stored in, and every stored text field must have one.
"""

from __future__ import annotations

import pytest

import app.models  # noqa: F401  (every table on the metadata)
from app.db import Base
from importers.feeds import FEEDS
from importers.fields import Text

# (feed, field) -> (table, column) it is stored in
STORED = {
    ("declarations", "licence_no"): ("declaration", "licence_no"),
    ("declarations", "substance"): ("declaration_line", "substance_text"),
    ("declarations", "counterparty_licence"): ("declaration_line", "counterparty_licence"),
    ("declarations", "counterparty_name"): ("declaration_line", "counterparty_name"),
    ("declarations", "document_ref"): ("declaration_line", "document_ref"),
    ("customs", "declaration_no"): ("customs_item", "declaration_no"),
    ("customs", "goods_description"): ("customs_item", "goods_description"),
    ("customs", "trader_tax_id"): ("customs_item", "trader_tax_id"),
    ("customs", "trader_name"): ("customs_item", "trader_name"),
    ("customs", "customs_office"): ("customs_item", "customs_office"),
    ("export_notifications", "notification_ref"): ("export_notification", "notification_ref"),
    ("export_notifications", "exporter_licence"): ("export_notification", "exporter_licence"),
    ("export_notifications", "importer_name"): ("export_notification", "importer_name"),
    ("registry", "licence_no"): ("operator", "licence_no"),
    ("registry", "operator_name"): ("operator", "legal_name"),
    ("registry", "tax_id"): ("operator", "tax_id"),
    ("registry", "region"): ("operator", "region"),
    ("registry", "sector"): ("operator", "sector"),
    ("baselines", "source"): ("baseline", "source"),
}


@pytest.mark.parametrize(("feed", "field"), sorted(STORED))
def test_a_fields_limit_fits_its_column(feed, field):
    limit = FEEDS[feed].schema._declared_fields[field].max_length
    table, column = STORED[(feed, field)]
    length = getattr(Base.metadata.tables[table].c[column].type, "length", None)
    assert limit is not None, f"{feed}.{field} has no max_length"
    assert length is None or limit <= length, f"{feed}.{field}: {limit} > {table}.{column}"


def test_every_stored_text_field_is_listed():
    texts = {(name, field) for name, feed in FEEDS.items()
             for field, column in feed.schema._declared_fields.items()
             if isinstance(column, Text)}
    assert texts <= set(STORED)
