"""Inserting thousands of new rows at once, for the importer: the part of bulk_create() that is slow, done cheaply.

``bulk_create()`` prepares every value of every row through its field, one call chain each (370,000
for a national file), and on PostgreSQL sends each column as one array literal whose every quote is
escaped in Python: together about two thirds of a fresh import. Here each column converts each
distinct value once (most columns hold a handful: "", the import's time, True), and PostgreSQL
receives the rows by COPY. Like ``bulk_create()``, it sends no signals and writes no history.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.models import Model


def insert(model: type[Model], objs: Sequence[Model], using: str = "default") -> None:
    """INSERT ``objs`` (new, without a primary key) as they are, in one statement or COPY.

    Unlike ``bulk_create()``, ``auto_now``/``auto_now_add`` fields keep the value the object holds
    (the importer sets one time for all rows) rather than a new one per row, and the objects get no
    ids: read them back by a unique key.
    """
    if not objs:
        return
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated and field is not opts.auto_field]
    connection = connections[using]
    table = connection.ops.quote_name(opts.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    rows = _column_values(fields, objs, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in zip(*rows, strict=True):
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(zip(*rows, strict=True)))


# Fields whose values of this type Django sends to the database as they are (no conversion on SQLite or
# PostgreSQL): these skip the field's call chain, which the many distinct names and coordinates would pay.
PLAIN_VALUES = {
    "CharField": str, "SlugField": str, "TextField": str, "FloatField": float,
    "IntegerField": int, "BigIntegerField": int, "BooleanField": bool,
}  # fmt: skip


def _column_values(fields, objs: Sequence[Model], connection) -> list[list]:
    """Each field's database values for ``objs``: plain values as they are, others prepared once each."""
    columns = []
    for field in fields:
        prepared: dict = {}
        values = []
        plain = PLAIN_VALUES.get(field.get_internal_type())
        for obj in objs:
            value = getattr(obj, field.attname)
            if value is None or type(value) is plain:
                values.append(value)
                continue
            key = (type(value), value)  # 1, 1.0 and True are equal keys, but not equal values here
            try:
                values.append(prepared[key])
            except KeyError:
                values.append(prepared.setdefault(key, field.get_db_prep_save(value, connection)))
            except TypeError:  # unhashable (a dict for a JSONField): prepared each time
                values.append(field.get_db_prep_save(value, connection))
        columns.append(values)
    return columns
