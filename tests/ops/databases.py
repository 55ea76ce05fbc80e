"""Scratch databases beside the test database, for the scripts and commands that run in
their own processes: URLs for them, row counts, and dropping them afterwards."""

import os
import secrets
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def scratch_name(purpose: str) -> str:
    """`<test database>_<purpose>_<random>`: parallel runs and xdist workers never collide."""
    return f"{connection.settings_dict['NAME']}_{purpose}_{secrets.token_hex(4)}"


def url_for(name: str) -> str:
    """A DATABASE_URL (config/settings.py's format) for `name` on the test database's server."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgis://{credentials}@{host}:{port}/{name}"


def connect(name: str, **kwargs) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        **kwargs,
    )


def create(name: str) -> None:
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    with connect(name, autocommit=True) as db:
        db.execute("CREATE EXTENSION postgis")


def drop(name: str) -> None:
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(db: psycopg.Connection) -> dict[str, int]:
    """Rows of every table of the public schema but PostGIS's own."""
    tables = db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys' ORDER BY 1"
    ).fetchall()
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in tables}


def run(command: list[str], database: str, **env: str) -> subprocess.CompletedProcess:
    """`command` from the project's root with DATABASE_URL pointing at `database`; the output
    is kept for the assertion's message."""
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url_for(database), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
