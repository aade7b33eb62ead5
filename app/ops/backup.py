"""Online backups of the embedded SQLite database (PostgreSQL has pg_dump for this)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupRefused(Exception):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the live database to ``target`` with SQLite's backup API; returns its size in bytes.

    The copy is consistent even while workers write (the API restarts pages changed under it),
    is written next to the target first and renamed into place, so a crash midway never leaves
    a half-written file under the target's name.
    """
    if engine.dialect.name != "sqlite":
        raise BackupRefused(
            f"backup copies SQLite databases; this one is {engine.dialect.name}. "
            "Use pg_dump for PostgreSQL (see README, 'Backups')."
        )
    partial = target.with_name(target.name + ".partial")
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    os.replace(partial, target)
    return target.stat().st_size
