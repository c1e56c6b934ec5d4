"""A trigram index for name search on PostgreSQL.

Search matches the start of any word of `search_key` (LIKE 'w%' OR LIKE '% w%'); a B-tree
cannot serve the second form, a pg_trgm GIN index serves both. SQLite has no such index and
does not need one at a province's size.
"""

from django.db import migrations

INDEX = "members_member_search_key_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member "
            "USING gin (search_key gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
