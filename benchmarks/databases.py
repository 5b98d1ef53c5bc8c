"""Fresh databases for the benchmarks: a temporary SQLite file, or a scratch database on DATABASE_URL's server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextmanager
def scratch_database(vendor: str, workdir: Path, label: str) -> Iterator[str]:
    """An empty database's URL, removed afterwards (PostgreSQL: made next to DATABASE_URL's database)."""
    if vendor == "sqlite":
        path = workdir / f"{label}-{uuid.uuid4().hex[:6]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in workdir.glob(path.name + "*"):
                leftover.unlink()
        return
    import psycopg

    server_url = postgres_server_url()
    if server_url is None:
        raise RuntimeError("a PostgreSQL scratch database needs DATABASE_URL to point at a server")
    name = f"finder_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
