"""The search cache's version: one row, given a new random token after every write that can change a search.

It also keeps when that was (``changed_at``): the JSON API's Last-Modified (api/conditional.py).
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone


def new_token() -> int:
    # Random rather than counted: a database restored from a backup, or a test database flushed, never brings back
    # a token whose cached pages may still be in a shared cache.
    return secrets.randbits(62)


class SearchVersionManager(models.Manager):
    def current(self, using: str | None = None) -> int | None:
        """The token to key cached searches on; read from the database the search itself reads."""
        connection = connections[using or router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            # Plain SQL: it runs on every anonymous search, and through the ORM it took 20 times as long (0.8 ms).
            cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else None

    def changed_at(self, using: str | None = None):
        """When a write last changed what searches show (the last bump), or None before the first."""
        connection = connections[using or router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            # Plain SQL, as current(): it runs on every API response.
            cursor.execute(f"SELECT changed_at FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            return None
        field = self.model._meta.get_field("changed_at")
        return (
            connection.ops.convert_datetimefield_value(row[0], field, connection)
            if connection.vendor == "sqlite"
            else row[0]
        )

    def bump(self, using: str | None = None) -> None:
        """Give the version a new token once the current transaction commits (now, outside a transaction).

        After the commit, not inside it: a search that reads the new token must also see the new data, and a
        single row updated inside every writing transaction would hold its lock to the end of each (two staff
        answering availability at once could deadlock on it). One bump per transaction, however many rows it writes.
        """
        using = using or router.db_for_write(SearchVersion)
        connection = connections[using]
        if connection.in_atomic_block:
            if any(isinstance(hook, _BumpAfterCommit) for _, hook, _ in connection.run_on_commit):
                return
            transaction.on_commit(_BumpAfterCommit(self, using), using=using)
        else:
            _BumpAfterCommit(self, using)()


class _BumpAfterCommit:
    def __init__(self, manager: SearchVersionManager, using: str):
        self.manager, self.using = manager, using

    def __call__(self) -> None:
        versions = self.manager.db_manager(self.using)
        if versions.filter(pk=1).update(token=new_token(), changed_at=timezone.now()):
            return
        try:
            with transaction.atomic(using=self.using):
                versions.create(pk=1, token=new_token())
        except IntegrityError:
            # another process created it a moment ago
            versions.filter(pk=1).update(token=new_token(), changed_at=timezone.now())


class SearchVersion(models.Model):
    """Cached searches are keyed on ``token``; a new token makes every earlier entry unreachable."""

    token = models.BigIntegerField(default=new_token)
    changed_at = models.DateTimeField(default=timezone.now, help_text="When the token last changed.")

    objects = SearchVersionManager()

    def __str__(self):
        return f"Search version {self.token}"
