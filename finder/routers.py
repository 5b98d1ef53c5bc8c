"""Send public reads to a PostgreSQL read replica (``DATABASE_REPLICA_URL``); everything else to the primary.

Only a request that ``finder.middleware.PublicReadsFromReplicaMiddleware`` judged public (anonymous, GET or
HEAD, a directory page: search, detail, guide) reads from the replica, and only until it writes. Staff,
helpline and admin pages, every logged-in user, every POST, management commands, tests and anything inside a
transaction read the primary, so people see their own writes at once. A replica runs a second or so behind
the primary: a family may see a listing that old, never a member of staff (docs/deploy.md).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Sessions, logins and their throttling are read where they are written: a login just made, a lockout just
# recorded, must be seen by the next request whichever server answers it.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "axes", "contenttypes", "admin"})


@dataclass
class _ReplicaReads:
    allowed: bool = True


_reads: ContextVar[_ReplicaReads | None] = ContextVar("finder_replica_reads", default=None)


# When the replica fails to answer, public reads go to the primary for this long (per process) before it is
# tried again: families still get their search, from the primary, while the replica is repaired.
REPLICA_REST_SECONDS = 30
_replica_resting_until = 0.0


def replica_is_resting() -> bool:
    return time.monotonic() < _replica_resting_until


def rest_replica() -> None:
    global _replica_resting_until
    _replica_resting_until = time.monotonic() + REPLICA_REST_SECONDS


def reading_from_replica() -> bool:
    """True inside a public request that may still read the replica."""
    reads = _reads.get()
    return reads is not None and reads.allowed


@contextmanager
def replica_reads():
    """Within this block (one public request), reads may go to the replica until the first write."""
    token = _reads.set(_ReplicaReads())
    try:
        yield
    finally:
        _reads.reset(token)


class ReplicaRouter:
    """Installed only when a replica is configured (finder/settings.py); without it Django uses one database."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or not reads.allowed or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        # Inside a transaction the primary holds what this transaction wrote (and its locks); read there.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows come from where their object came from
        return REPLICA

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.allowed = False  # after a write, this request reads its own writes from the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: a row read from either may point at a row from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A standby is read-only: it gets its schema by replication, never by migrate.
        return db == DEFAULT_DB_ALIAS
