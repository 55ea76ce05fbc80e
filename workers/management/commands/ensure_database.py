"""Create the configured database and the PostGIS extension when they are missing."""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from psycopg import sql


class Command(BaseCommand):
    help = "Create the database and the PostGIS extension if missing (idempotent)."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "autocommit": True,
        }
        with psycopg.connect(dbname="postgres", **params) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                self.stdout.write(f"created database {db['NAME']}")
        with psycopg.connect(dbname=db["NAME"], **params) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        self.stdout.write(f"database {db['NAME']} is ready with PostGIS")
