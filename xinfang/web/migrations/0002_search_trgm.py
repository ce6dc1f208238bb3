"""Full-text search over subject and content that works for Chinese (PostgreSQL only).

Chinese has no spaces, so word-based full-text search needs a segmenter; trigrams need none: pg_trgm
splits '违章建筑' into character trigrams and a GIN index answers `LIKE '%违章建%'` without a scan.
The index is on UPPER(col::text) because that is exactly what Django's `icontains` emits on PostgreSQL,
so `Q(subject__icontains=q)` uses it as is. SQLite keeps a plain scan (small databases only).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "petition_text_trgm"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON petitions_petition USING gin "
        "(UPPER(subject::text) gin_trgm_ops, UPPER(content::text) gin_trgm_ops)"
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_initial"),
        ("petitions", "0002_urge"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
