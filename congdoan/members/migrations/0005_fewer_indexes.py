"""Three indexes nobody needs, gone: each write of a roster kept them for nothing.

- Membership's own indexes on member and on unit: (member, start) and (unit, start, end)
  begin with those columns and serve the same lookups.
- On PostgreSQL, the varchar_pattern_ops copy of the index on Member.search_key (for LIKE
  'abc%', which no query makes); the plain index becomes one named in Meta.indexes.

The indexes are dropped by name rather than by AlterField: on PostgreSQL, AlterField to
db_index=False also dropped the partial unique index one_open_span_per_member, which is on
the same column. The state changes as AlterField would leave it.
"""

import django.db.models.deletion
from django.db import migrations, models

# Django's names for the indexes db_index made (the same on every backend).
FK_INDEXES = {
    "members_membership_member_id_a8e689cf": ("members_membership", "member_id"),
    "members_membership_unit_id_5ef3e595": ("members_membership", "unit_id"),
}
SEARCH_KEY_INDEX = "members_member_search_key_49373473"


def drop(apps, schema_editor):
    names = [*FK_INDEXES, SEARCH_KEY_INDEX]
    if schema_editor.connection.vendor == "postgresql":
        names.append(f"{SEARCH_KEY_INDEX}_like")
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore(apps, schema_editor):
    for name, (table, column) in FK_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
    schema_editor.execute(f'CREATE INDEX "{SEARCH_KEY_INDEX}" ON "members_member" ("search_key")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{SEARCH_KEY_INDEX}_like" ON "members_member" '
            '("search_key" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("members", "0004_member_enterprise"),
        ("org", "0003_unit_version_end"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="search_key",
                    field=models.CharField(editable=False, max_length=200),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="member",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="members.member",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="org.unit",
                        verbose_name="grassroots union",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["search_key"], name="member_search_key"),
        ),
    ]
