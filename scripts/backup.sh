#!/usr/bin/env bash
# A dump of the configured database in PostgreSQL's custom format (pg_restore reads it; see
# scripts/restore.sh), named after the database and the UTC time it was taken.
# Usage: scripts/backup.sh [DIR]   (DIR, else $BACKUP_DIR, else backups/ of the project)
# The database is the one config/settings.py reads: DATABASE_URL, with the same default.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

url=${DATABASE_URL:-postgis://postgres@127.0.0.1:5432/willkommen}
scheme=${url%%://*}
case "$scheme" in
    postgis | postgres | postgresql | pgsql) ;;
    *)
        echo "backup: DATABASE_URL must be a PostgreSQL URL (postgis://...), not $scheme://" >&2
        exit 2
        ;;
esac
# libpq reads the same URL once it has its own scheme; the password stays out of messages.
conninfo="postgresql://${url#*://}"
rest=${url#*://}
authority=${rest%%/*}
name=${rest#"$authority"}
name=${name#/}
name=${name%%\?*}
if [ -z "$name" ]; then
    echo "backup: DATABASE_URL names no database" >&2
    exit 2
fi
server=${authority##*@}

dir=${1:-${BACKUP_DIR:-$root/backups}}
mkdir -p "$dir"
file="$dir/$name-$(date -u +%Y%m%dT%H%M%SZ).dump"
if [ -e "$file" ]; then
    echo "backup: $file exists already; not overwriting it" >&2
    exit 1
fi
# Written under a temporary name first: a dump that failed halfway never looks like a backup.
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

echo "backup: dumping database $name on $server ($(pg_dump --version))"
if ! pg_dump --format=custom --file="$partial" --dbname="$conninfo"; then
    echo "backup: pg_dump failed; no backup written" >&2
    exit 1
fi
mv "$partial" "$file"
echo "backup: wrote $file ($(du -h "$file" | cut -f1))"
