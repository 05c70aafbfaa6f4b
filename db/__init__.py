"""The one SQLite schema every stage reads and writes.

Owns: table definitions and migrations, upserts keyed by stable ids, the SQL each stage runs
(`<stage>_sql.py`), the stage report and the one runs table (`runs.py`), indexes and views.
May import: sqlite-utils and the standard library only. Stages meet here and
nowhere else: crawler/, extract/ and classify/ never import each other.
"""

from db.schema import SCHEMA_VERSION, connect, ensure_schema

__all__ = ["SCHEMA_VERSION", "connect", "ensure_schema"]
