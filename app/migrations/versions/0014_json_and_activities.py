"""JSON columns typed as JSON; licence activities as rows of an association

Revision ID: 0014_json_and_activities
Revises: 0013_scheduler
Create Date: 2026-12-03

JSON columns. The columns that hold JSON were Text, written with json.dumps and read with
json.loads by hand at every site; they are now `sqlalchemy.JSON` (app/db.py writes them all
with one serializer). On PostgreSQL they become `json`, not `jsonb`, deliberately: `json`
keeps the text as written, so an alert's measures keep their order (the dossier shows them
in it; jsonb reorders keys and drops duplicate ones), its binary COPY form is its text (the
bulk paths send it as is), and nothing queries inside these values (jsonb's indexes and
operators would buy nothing). A value that is not JSON (NaN, written by Python's json.dumps
into a measure) is cast with every bare NaN or infinity as null, the way app/db.py writes
them from now on. On SQLite the declared type stays TEXT (app/db.py renders JSON as TEXT
there: a column declared JSON gets numeric affinity), so there is nothing to change and no
table to rebuild.

The two chains of audit events keep `detail` as Text: each event's hash covers that very
text, and a JSON column would be free to give back other text for the same value.
`vigia audit verify` holds before and after.

Licence activities. A licence line's activities were one "|"-joined string, split again at
every read, on the operator (the union of its lines'), the licence line and each licence
version. Activities belong to the line as it stands and to each version as it was recorded
(an activity added or withdrawn is a change that adds a version), so they become rows of
`licence_activity (licence_id, activity)` and `licence_version_activity
(licence_version_id, activity)`, keyed on both columns and checked against the activities
of the registry; the operator's are derived from its lines. Downgrading joins the rows back
into the strings (sorted, as the registry import wrote them).
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0014_json_and_activities"
down_revision = "0013_scheduler"
branch_labels = None
depends_on = None

# table -> (column, nullable, the value an empty text stands for)
JSON_COLUMNS = {
    "detection_run": (("rule_files", False, "[]"), ("rows_read", False, "{}")),
    "alert": (("wording", False, "{}"), ("evidence", False, "{}"), ("trace", False, "[]"),
              ("measures", False, "{}")),
    "finding": (("wording", False, "{}"), ("evidence", False, "{}"), ("trace", False, "[]"),
                ("measures", False, "{}")),
    "import_batch": (("warnings", True, None),),
    "declaration_line": (("extra", True, None),),
    "customs_item": (("extra", True, None),),
    "export_notification": (("extra", True, None),),
    "baseline": (("extra", True, None),),
    "rule_proposal": (("backtest", False, "{}"),),
    "job_run": (("details", True, None),),
}
# The activities of the registry (app.registry.models.ACTIVITIES) when this was written.
ACTIVITIES = ("importer", "exporter", "manufacturer", "distributor", "end_user", "pharma",
              "laboratory")
CHECK = "activity IN (" + ", ".join(f"'{a}'" for a in ACTIVITIES) + ")"
# Which table's rows carry which activity table: (table, association, its key column).
OWNERS = (("licence", "licence_activity", "licence_id"),
          ("licence_version", "licence_version_activity", "licence_version_id"))
# Text to json on PostgreSQL; a text Python wrote with NaN or Infinity in it gets them as null.
AS_JSON = """
CREATE FUNCTION pg_temp.vigia_as_json(value text) RETURNS json AS $$
BEGIN
    RETURN value::json;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN regexp_replace(value, '(?<![\\w"])-?(NaN|Infinity)(?![\\w"])', 'null', 'g')::json;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    """Type the JSON columns (PostgreSQL), move activities into their association tables."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(AS_JSON)
        for table, columns in JSON_COLUMNS.items():
            for name, nullable, empty in columns:
                text = (f"NULLIF({name}, '')" if nullable
                        else f"COALESCE(NULLIF({name}, ''), '{empty}')")
                op.alter_column(table, name, type_=sa.JSON(), existing_type=sa.Text(),
                                existing_nullable=nullable,
                                postgresql_using=f"pg_temp.vigia_as_json({text})")
        op.execute("DROP FUNCTION pg_temp.vigia_as_json(text)")
    for owner, association, key in OWNERS:
        op.create_table(
            association,
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column("activity", sa.String(length=32), nullable=False),
            sa.CheckConstraint(CHECK, name=op.f(f"ck_{association}_activity")),
            sa.ForeignKeyConstraint([key], [f"{owner}.id"],
                                    name=op.f(f"fk_{association}_{key}_{owner}")),
            sa.PrimaryKeyConstraint(key, "activity", name=op.f(f"pk_{association}")),
        )
        rows = [{key: owner_id, "activity": activity}
                for owner_id, joined in bind.execute(sa.text(
                    f"SELECT id, activities FROM {owner} ORDER BY id"))
                for activity in sorted({a.strip() for a in (joined or "").split("|")} - {""})]
        if rows:
            bind.execute(sa.table(association, sa.column(key), sa.column("activity")).insert(),
                         rows)
    for table in ("operator", "licence", "licence_version"):
        _drop_activities(bind, table)


def downgrade() -> None:
    """Join the activity rows back into "|"-joined columns; the JSON columns back to Text."""
    bind = op.get_bind()
    for table in ("operator", "licence", "licence_version"):
        op.add_column(table, sa.Column("activities", sa.String(length=200), nullable=False,
                                       server_default=""))
    for owner, association, key in OWNERS:
        held: dict[int, list[str]] = defaultdict(list)
        for owner_id, activity in bind.execute(sa.text(
                f"SELECT {key}, activity FROM {association} ORDER BY {key}, activity")):
            held[owner_id].append(activity)
        _set_activities(bind, owner, {i: "|".join(names) for i, names in held.items()})
        op.drop_table(association)
    by_operator: dict[int, set[str]] = defaultdict(set)
    for operator_id, joined in bind.execute(sa.text(
            "SELECT operator_id, activities FROM licence")):
        by_operator[operator_id].update(a for a in joined.split("|") if a)
    _set_activities(bind, "operator",
                    {i: "|".join(sorted(names)) for i, names in by_operator.items()})
    if bind.dialect.name == "postgresql":
        for table in ("operator", "licence", "licence_version"):
            op.alter_column(table, "activities", server_default=None,
                            existing_type=sa.String(length=200), existing_nullable=False)
        for table, columns in JSON_COLUMNS.items():
            for name, nullable, _empty in columns:
                op.alter_column(table, name, type_=sa.Text(), existing_type=sa.JSON(),
                                existing_nullable=nullable, postgresql_using=f"{name}::text")


def _drop_activities(bind, table: str) -> None:
    """Drop a table's activities column (SQLite drops it in place: no table rebuild)."""
    if bind.dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN activities")
    else:
        op.drop_column(table, "activities")


def _set_activities(bind, table: str, joined: dict[int, str]) -> None:
    """Write each row's joined activities."""
    if joined:
        bind.execute(sa.text(f"UPDATE {table} SET activities = :activities WHERE id = :id"),
                     [{"id": i, "activities": text} for i, text in joined.items()])
