#!/usr/bin/env bash
# Restores a dump of scripts/backup.sh into a fresh database on the server of DATABASE_URL
# (the same variable and default as config/settings.py), then prints counts of main tables.
# Usage: scripts/restore.sh [--force] DUMP NEW_DATABASE
# A database that exists and holds tables is left alone unless --force: then it is dropped
# and created again. Point DATABASE_URL at the restored database to use it.
set -euo pipefail

usage() {
    echo "usage: $0 [--force] DUMP NEW_DATABASE" >&2
    exit 2
}
force=false
args=()
for arg in "$@"; do
    case "$arg" in
        --force) force=true ;;
        -*) usage ;;
        *) args+=("$arg") ;;
    esac
done
[ ${#args[@]} -eq 2 ] || usage
dump=${args[0]}
target=${args[1]}
if [ ! -f "$dump" ]; then
    echo "restore: no dump at $dump" >&2
    exit 2
fi
# The name goes into SQL below unquoted: plain identifiers only.
if ! [[ "$target" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
    echo "restore: database name must be lower-case letters, digits and _ (got '$target')" >&2
    exit 2
fi

url=${DATABASE_URL:-postgis://postgres@127.0.0.1:5432/willkommen}
scheme=${url%%://*}
case "$scheme" in
    postgis | postgres | postgresql | pgsql) ;;
    *)
        echo "restore: DATABASE_URL must be a PostgreSQL URL (postgis://...), not $scheme://" >&2
        exit 2
        ;;
esac
rest=${url#*://}
authority=${rest%%/*}
query=""
case "$rest" in *\?*) query="?${rest#*\?}" ;; esac
server=${authority##*@}
conninfo() { echo "postgresql://$authority/$1$query"; }
# The maintenance database every server has: where databases are created and dropped.
admin() { psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --tuples-only --no-align \
    --dbname="$(conninfo postgres)" "$@"; }
in_target() { psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --tuples-only --no-align \
    --dbname="$(conninfo "$target")" "$@"; }

if ! pg_restore --list "$dump" >/dev/null 2>&1; then
    echo "restore: $dump is not a dump in pg_dump's custom format" >&2
    exit 2
fi

created=false
cleanup() {
    local status=$?
    if [ "$status" -ne 0 ] && [ "$created" = true ]; then
        echo "restore: failed; dropping the incomplete database $target" >&2
        admin --command="DROP DATABASE IF EXISTS $target" >&2 || true
    fi
}
trap cleanup EXIT

exists=$(admin --command="SELECT 1 FROM pg_database WHERE datname = '$target'")
if [ "$exists" = 1 ]; then
    # Empty: no table, view or sequence outside the system schemas but an extension's own
    # (PostGIS's spatial_ref_sys).
    tables=$(in_target --command="
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')")
    if [ "$tables" -gt 0 ]; then
        if [ "$force" != true ]; then
            echo "restore: database $target on $server exists and holds $tables tables;" \
                "give --force to drop it and restore into a new one" >&2
            exit 1
        fi
        echo "restore: --force: dropping database $target on $server"
        admin --command="DROP DATABASE $target"
        exists=""
    fi
fi
if [ "$exists" != 1 ]; then
    echo "restore: creating database $target on $server"
    admin --command="CREATE DATABASE $target"
    created=true
fi
# PostGIS first, so the geometry types exist whatever the order of the dump; the dump's own
# CREATE EXTENSION IF NOT EXISTS then changes nothing, and PostGIS's objects (functions,
# spatial_ref_sys) come from the extension, not from the dump.
in_target --command="CREATE EXTENSION IF NOT EXISTS postgis"

echo "restore: restoring $dump ($(pg_restore --version))"
# One transaction, stopping at the first error: a restore is complete or it changed nothing.
# No owners: the tables belong to whoever restores, whichever role owned them before.
if ! pg_restore --no-owner --single-transaction --exit-on-error \
    --dbname="$(conninfo "$target")" "$dump"; then
    echo "restore: pg_restore failed" >&2
    exit 1
fi

echo "restore: database $target restored; rows in main tables:"
for table in accounts_user accounts_organisation donations_goodsneed donations_donationoffer \
    housing_housingneed housing_housingoffer jobs_job jobs_jobseeker matching_match \
    matching_matchevent notifications_notification django_migrations; do
    if [ "$(in_target --command="SELECT to_regclass('public.$table') IS NOT NULL")" = t ]; then
        count=$(in_target --command="SELECT count(*) FROM public.$table")
    else
        count="(no such table)"
    fi
    printf '  %-28s %s\n' "$table" "$count"
done
