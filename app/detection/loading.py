"""Read the stored data a detection run needs into the frames of `app.detection.data`.

Reads are vectorised: one SQL query per frame, fetched by the driver in bulk (PostgreSQL
streams it through COPY as CSV, SQLite hands back plain tuples), never ORM objects per
row, so a million declaration lines load in seconds.

What "current" means here: the lines of current declarations only (an amendment
supersedes the earlier declaration of the same operator and period), and customs items,
export notifications and baselines still current (a later row with the same key replaces
an earlier one). Registry data is read whole: the LicenceBook keeps every licence version
and answers by date.

The window: `as_of` is the run date; nothing dated after it is read (declarations whose
period starts after it, customs items and notifications dated after it). `since` is the
start of the detection window, the first day an officer wants alerts about. Rules still
need history before it (acquisitions from January for year-to-date quotas and national
pace, complete earlier years to estimate a missing baseline, earlier periods for mass
balance), so rows are read from 1 January of `since`'s year minus `HISTORY_YEARS`; the
alert step drops findings whose window ends before `since`. Without `since`, all history
is read.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Select, String, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.baselines.models import Baseline
from app.detection import sqlite_read
from app.detection.data import COLUMNS, DATE_COLUMNS, DetectionData
from app.detection.memory import give_back_freed_memory
from app.movements.models import CustomsItem, Declaration, DeclarationLine, ExportNotification
from app.registry.models import Licence, LicenceActivity, Operator
from app.registry.service import load_licence_book

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue

# Complete calendar years read before the year of `since` (baseline estimates average
# up to this many earlier years; quotas and national pace need the year from January).
HISTORY_YEARS = 3
NUMERIC = {"quantity_kg", "net_mass_kg", "line_id", "item_id", "notification_id", "year",
           "quantity", "concentration_pct"}
FLOATS = {"quantity_kg", "net_mass_kg", "quantity", "concentration_pct"}
# Read beside the required columns: what the declared product was (customs weighs products).
EXTRA_COLUMNS = {"lines": ("quantity", "unit", "concentration_pct", "form_code")}
# Rows of one fetch from SQLite: the driver's tuples of one chunk are held at a time.
SQLITE_CHUNK_ROWS = 100_000
# SQLite: declaration lines (by id range) from which they are read in two processes at once.
# Starting the reader process costs about half a second; it saves about 4 s at 1.5 million.
SPLIT_MIN_ROWS = 200_000


def history_start(since: date | None) -> date | None:
    """Return the first day read for a detection window starting on `since` (None: all)."""
    if since is None:
        return None
    return date(since.year - HISTORY_YEARS, 1, 1)


def load_detection_data(
    *, session: Session, catalogue: Catalogue, as_of: date, home_country: str,
    since: date | None = None, split_reads: bool = False,
) -> DetectionData:
    """Read the current stored declarations, customs, registry and references into frames.

    `split_reads` (SQLite): the caller's transaction holds the write lock and has written
    nothing these queries read, so another process reading the database file sees the same
    rows; a large read of the lines is then shared with a reader process.
    """
    start = history_start(since)
    line = DeclarationLine
    lines = (
        select(line.id.label("line_id"), Declaration.licence_no, Declaration.period,
               line.movement, line.date,
               line.substance_code, line.quantity_kg, line.counterparty_licence,
               line.counterparty_name, line.counterparty_country, line.document_ref,
               line.payment_method, line.delivery, line.quantity, line.unit,
               line.concentration_pct, line.form_code)
        .join(Declaration, Declaration.id == line.declaration_id)
        .where(Declaration.is_current.is_(True), Declaration.period <= as_of)
        .order_by(line.id)
    )
    declarations = (
        select(Declaration.licence_no, Declaration.period, Declaration.received_at)
        .where(Declaration.is_current.is_(True), Declaration.period <= as_of)
        .order_by(Declaration.id)
    )
    item = CustomsItem
    customs = (
        select(item.id.label("item_id"), item.declaration_no, item.item_no, item.date, item.flow,
               item.hs_code, item.hs6, item.substance_code, item.goods_description,
               item.net_mass_kg, item.trader_tax_id, item.tax_id_key, item.trader_name,
               item.partner_country)
        .where(item.is_current.is_(True), item.date <= as_of)
        .order_by(item.id)
    )
    note = ExportNotification
    notifications = (
        select(note.id.label("notification_id"), note.notification_ref, note.date,
               note.exporter_licence, note.importer_name, note.importing_country,
               note.substance_code, note.quantity_kg, note.status)
        .where(note.is_current.is_(True), note.date <= as_of)
        .order_by(note.id)
    )
    if start is not None:
        lines = lines.where(Declaration.period >= start)
        declarations = declarations.where(Declaration.period >= start)
        customs = customs.where(item.date >= start)
        notifications = notifications.where(note.date >= start)
    baselines = (
        select(Baseline.substance_code, Baseline.year, Baseline.quantity_kg, Baseline.source)
        .where(Baseline.is_current.is_(True))
        .order_by(Baseline.substance_code, Baseline.year)
    )
    operators = (
        select(Operator.licence_no, Operator.legal_name, Operator.tax_id, Operator.tax_id_key,
               Operator.region, Operator.sector, Operator.sector_code,
               literal("", String).label("activities"))
        .order_by(Operator.licence_no)
    )
    names = {s.code: s.name for s in catalogue}
    data = DetectionData(
        lines=read_frame(session, "lines", lines, split_by=line.id if split_reads else None),
        customs=read_frame(session, "customs", customs),
        operators=with_activities(session, read_frame(session, "operators", operators)),
        licences=load_licence_book(session=session, substance_names=names),
        declarations=read_frame(session, "declarations", declarations),
        baselines=read_frame(session, "baselines", baselines),
        notifications=read_frame(session, "notifications", notifications),
        catalogue=catalogue,
        as_of=as_of,
        home_country=home_country,
    )
    give_back_freed_memory()
    return data


def with_activities(session: Session, operators: pd.DataFrame) -> pd.DataFrame:
    """Give each operator the activities of its licence lines, sorted and `|`-joined."""
    held: dict[str, set[str]] = {}
    rows = session.execute(
        select(Operator.licence_no, LicenceActivity.activity).distinct()
        .join(Licence, Licence.operator_id == Operator.id)
        .join(LicenceActivity, LicenceActivity.licence_id == Licence.id))
    for licence_no, activity in rows:
        held.setdefault(licence_no, set()).add(activity)
    joined = {licence_no: "|".join(sorted(names)) for licence_no, names in held.items()}
    operators["activities"] = operators["licence_no"].map(joined).fillna("").astype(object)
    return operators


def read_frame(session: Session, name: str, query: Select, *,
               split_by: InstrumentedAttribute | None = None) -> pd.DataFrame:
    """Run one query in the session's transaction and return the frame of one input.

    `split_by` (SQLite): the integer key by which a large read may be cut in two ranges read
    at once (`app.detection.sqlite_read`); only given when another connection sees the
    same rows as this transaction.
    """
    connection = session.connection()
    columns = [*COLUMNS[name], *EXTRA_COLUMNS.get(name, ())]
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        return _typed(_copy_postgres(raw, _compiled(query, connection), columns), name)
    frame = None
    if split_by is not None:
        lowest, highest = session.execute(select(func.min(split_by), func.max(split_by))).one()
        if lowest is not None and highest - lowest + 1 >= SPLIT_MIN_ROWS:
            middle = (lowest + highest) // 2
            frame = _fetch_sqlite_split(
                raw, (query.where(split_by <= middle), query.where(split_by > middle)),
                connection, columns)
    if frame is None:
        frame = _fetch_sqlite(raw, _compiled(query, connection), columns)
    return _typed(frame, name)


def _compiled(query: Select, connection) -> str:
    return str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


def _fetch_sqlite(raw, sql: str, columns: list[str]) -> pd.DataFrame:
    """Fetch a query's rows in chunks, each text column as codes into its distinct values."""
    return sqlite_read.frame(sqlite_read.read_part(
        raw, _sqlite_plan(sql), columns, floats=FLOATS, numbers=NUMERIC,
        chunk_rows=SQLITE_CHUNK_ROWS))


def _fetch_sqlite_split(raw, queries: tuple[Select, Select], connection,
                        columns: list[str]) -> pd.DataFrame | None:
    """Read two id ranges of a query at once, the upper one in a reader process.

    None when the database is not a file another process can open (in memory).
    """
    database = sqlite_read.database_file(raw)
    if not database:
        return None
    sqls = tuple(_sqlite_plan(_compiled(query, connection)) for query in queries)
    return sqlite_read.frame(sqlite_read.read_split(raw, database, sqls, columns,
                                                    floats=FLOATS, numbers=NUMERIC))


def _sqlite_plan(sql: str) -> str:
    """Read the lines in their own order, looking each declaration up by its id.

    SQLite's planner otherwise starts from the current declarations (by their index), then
    sorts the 1.5 million lines it found by id in a temporary B-tree; scanning the lines in
    id order needs no sort (0.4 s of a country's load). NOT INDEXED still allows the rowid.
    """
    return sql.replace("JOIN declaration ON", "JOIN declaration NOT INDEXED ON")


def _copy_postgres(raw, sql: str, columns: list[str]) -> pd.DataFrame:
    """Stream a query's result through COPY ... TO STDOUT as CSV into the CSV parser.

    The parser reads the blocks as the server sends them (the whole text is never held),
    numbers parsed as numbers (the same floats as `to_numeric` gave), the rest as text.
    """
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        stream = _CopyStream(iter(copy))
        if stream.empty():
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        # Text columns stay text: tax ids and item numbers keep their leading zeros, and
        # only an empty field is missing ("NA" is Namibia, not a missing value).
        types = {c: ("float64" if c in FLOATS else "str") for c in columns}
        types.update({c: "int64" for c in columns if c in NUMERIC and c not in FLOATS})
        return pd.read_csv(io.BufferedReader(stream, buffer_size=1 << 20), header=None,
                           names=columns, dtype=types, keep_default_na=False, na_values=[""],
                           encoding="utf-8")


class _CopyStream(io.RawIOBase):
    """A readable file over the blocks of a COPY TO STDOUT."""

    def __init__(self, blocks) -> None:
        self._blocks = blocks
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def empty(self) -> bool:
        """Tell whether the result has no bytes at all (reads the first block)."""
        if not self._left:
            self._left = memoryview(next(self._blocks, b""))
        return not self._left

    def readinto(self, buffer) -> int:
        while not self._left:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._left = memoryview(block)
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Give the frame the same types whatever the backend: dates, floats, ints, text."""
    dates = DATE_COLUMNS.get(name, ())
    for column in frame.columns:
        if column in dates:
            frame[column] = _by_distinct(frame[column], lambda texts: pd.to_datetime(
                texts.astype("string").str.slice(0, 10), format="%Y-%m-%d"))
        elif column in NUMERIC:
            frame[column] = pd.to_numeric(frame[column])
            kind = "float64" if column in FLOATS else "int64"
            frame[column] = frame[column].astype(kind)
        elif column == "received_at":
            frame[column] = _by_distinct(frame[column], lambda texts: pd.to_datetime(
                texts, utc=True, format="ISO8601"))
    return frame


def _by_distinct(column: pd.Series, convert) -> pd.Series:
    """Convert each distinct value of a column once and spread the results back by code.

    A million lines hold a few hundred distinct dates: parsing each once instead of every
    cell took a date column from 7.8 s to 2.0 s at 1.5 million lines (same values).
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if not len(uniques) or len(uniques) * 2 > len(column):
        return convert(column)
    converted = convert(pd.Series(uniques, dtype=object))
    return pd.Series(converted.array.take(codes, allow_fill=True), index=column.index,
                     name=column.name)
