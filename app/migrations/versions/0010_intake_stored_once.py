"""a file stored once per feed, one current declaration per licence and period, batch warnings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Two imports running at once could store the same file twice and leave two declarations of
a licence and period current (issue 12). The importer now holds a lock per feed; these
unique indexes make the same promises in the schema, on both engines (partial indexes):

- `uq_import_batch_stored_file`: one stored batch per (feed, SHA-256);
- `uq_declaration_current`: one current declaration per (licence, period).

A database that such a race already damaged is repaired first, so that the indexes can be
built: a file's second stored batch becomes `duplicate` and its rows stop being current;
where a licence and period (or a customs item, baseline or notification key) was left with
two current versions, or none, the latest submission (batch submission time, then batch id)
is made the current one. `import_batch.warnings` keeps each file's warnings (JSON).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DUPLICATE_NOTE = (
    "stored a second time by an import running at the same time as the first (before "
    "revision 0010); its rows are not current"
)
# table -> the columns that say which rows are versions of the same thing
KEYED = {
    "customs_item": ("declaration_no", "item_no"),
    "baseline": ("substance_code", "year"),
    "export_notification": ("notification_ref",),
}


def upgrade() -> None:
    _mark_second_copies()
    _one_current_declaration()
    for table, keys in KEYED.items():
        _latest_batch_current(table, keys)
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.Text(), nullable=True))
    op.create_index(
        "uq_import_batch_stored_file", "import_batch", ["feed", "sha256"], unique=True,
        sqlite_where=sa.text("status = 'stored'"), postgresql_where=sa.text("status = 'stored'"),
    )
    op.create_index(
        "uq_declaration_current", "declaration", ["licence_no", "period"], unique=True,
        sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"),
    )


def downgrade() -> None:
    op.drop_index("uq_declaration_current", table_name="declaration")
    op.drop_index("uq_import_batch_stored_file", table_name="import_batch")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("warnings")


def _mark_second_copies() -> None:
    """Turn every stored batch but the first of a (feed, SHA-256) into a duplicate."""
    op.execute(sa.text(
        "UPDATE import_batch SET status = 'duplicate', message = :note "
        "WHERE status = 'stored' AND EXISTS (SELECT 1 FROM import_batch b "
        "WHERE b.feed = import_batch.feed AND b.sha256 = import_batch.sha256 "
        "AND b.status = 'stored' AND b.id < import_batch.id)"
    ).bindparams(note=DUPLICATE_NOTE))
    for table in ("declaration", *KEYED):
        op.execute(
            f"UPDATE {table} SET is_current = false WHERE is_current AND batch_id IN "
            "(SELECT id FROM import_batch WHERE status = 'duplicate')"
        )


def _one_current_declaration() -> None:
    """Where a licence and period has two current declarations, or none, elect the latest."""
    broken = (
        "SELECT d.licence_no, d.period FROM declaration d "
        "JOIN import_batch b ON b.id = d.batch_id WHERE b.status = 'stored' "
        "GROUP BY d.licence_no, d.period "
        "HAVING sum(CASE WHEN d.is_current THEN 1 ELSE 0 END) <> 1"
    )
    latest = (
        "SELECT d.id FROM declaration d JOIN import_batch b ON b.id = d.batch_id "
        "WHERE d.licence_no = declaration.licence_no AND d.period = declaration.period "
        "AND b.status = 'stored' ORDER BY b.submitted_at DESC, b.id DESC, d.id DESC LIMIT 1"
    )
    op.execute(
        f"UPDATE declaration SET is_current = CASE WHEN id = ({latest}) THEN true ELSE false END "
        f"WHERE (licence_no, period) IN ({broken})"
    )
    op.execute(
        "UPDATE declaration SET superseded_by_id = (SELECT c.id FROM declaration c "
        "WHERE c.licence_no = declaration.licence_no AND c.period = declaration.period "
        "AND c.is_current) WHERE NOT is_current AND superseded_by_id IS NULL"
    )


def _latest_batch_current(table: str, keys: tuple[str, ...]) -> None:
    """Where a key's rows of stored batches are current in two batches, or none, keep the latest."""
    match = " AND ".join(f"t.{k} = {table}.{k}" for k in keys)
    columns = ", ".join(f"t.{k}" for k in keys)
    broken = (
        f"SELECT {columns} FROM {table} t JOIN import_batch b ON b.id = t.batch_id "
        f"WHERE b.status = 'stored' GROUP BY {columns} "
        "HAVING count(DISTINCT CASE WHEN t.is_current THEN t.batch_id END) <> 1"
    )
    latest = (
        f"SELECT t.batch_id FROM {table} t JOIN import_batch b ON b.id = t.batch_id "
        f"WHERE {match} AND b.status = 'stored' ORDER BY b.submitted_at DESC, b.id DESC LIMIT 1"
    )
    own = ", ".join(keys)
    target = f"({own})" if len(keys) > 1 else own
    op.execute(
        f"UPDATE {table} SET is_current = CASE WHEN batch_id = ({latest}) THEN true "
        f"ELSE false END WHERE {target} IN ({broken})"
    )
