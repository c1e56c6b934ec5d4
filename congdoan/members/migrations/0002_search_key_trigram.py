"""A trigram index for name search on PostgreSQL.

Search matches the start of any word of the name with one LIKE '% word%' per word on
' ' || search_key (members.selectors.search_members); a B-tree cannot serve a LIKE that
starts with %, a pg_trgm GIN index on that expression can. SQLite has no such index and does
not need one at a province's size.
"""

from django.db import migrations

INDEX = "members_member_spaced_key_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member "
            "USING gin ((' ' || search_key) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
