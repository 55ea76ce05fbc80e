#!/usr/bin/env bash
# A throwaway streaming replica of a running PostgreSQL server, for tests and trying out
# DATABASE_REPLICA_URL on one machine (README, "Running a national instance").
#
#   scripts/replica.sh check              does the primary accept replication connections?
#   scripts/replica.sh start DIR [PORT]   pg_basebackup -R into DIR/data, start it on PORT
#                                         (5544), wait until it accepts connections, is in
#                                         recovery and streams from the primary
#   scripts/replica.sh stop DIR           stop it and remove DIR
#
# The primary: PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), PRIMARY_USER (postgres). It must
# allow replication connections (a `replication` line in pg_hba.conf, wal_level replica or
# logical, max_wal_senders > 0); this script never changes the primary. No replication slot is
# made, so nothing stays behind on the primary: a replica that falls far behind breaks and is
# made anew. Run as root, the replica runs as the user postgres (it refuses to run as root);
# run as anyone else, as that user.
set -euo pipefail

host=${PRIMARY_HOST:-127.0.0.1}
port=${PRIMARY_PORT:-5432}
user=${PRIMARY_USER:-postgres}
primary="host=$host port=$port user=$user dbname=postgres"

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

server_bin() {
    # The binaries of the primary's major version (Debian keeps several side by side).
    local major
    major=$(psql "$primary" -XAtc "SELECT current_setting('server_version_num')::int / 10000")
    if [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ]; then
        echo "/usr/lib/postgresql/$major/bin"
    else
        dirname "$(command -v pg_ctl)"
    fi
}

check() {
    local out
    if ! out=$(psql "$primary replication=true" -XAtc "IDENTIFY_SYSTEM" 2>&1); then
        echo "replica: the primary at $host:$port refuses replication connections:" >&2
        echo "replica: ${out}" >&2
        exit 3
    fi
}

wait_for() {
    # wait_for SECONDS COMMAND...: until the command succeeds, at most that long.
    local seconds=$1
    shift
    for _ in $(seq 1 "$((seconds * 5))"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

streaming() {
    [ "$(psql "host=127.0.0.1 port=$1 user=$user dbname=postgres" -XAtc \
        "SELECT pg_is_in_recovery() AND EXISTS (SELECT FROM pg_stat_wal_receiver
                                                WHERE status = 'streaming')")" = t ]
}

start() {
    local dir=$1 replica_port=${2:-5544} bin data
    check
    bin=$(server_bin)
    data="$dir/data"
    mkdir -p "$dir"
    if [ -e "$data" ]; then
        echo "replica: $data exists; stop the replica first" >&2
        exit 2
    fi
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    chmod 700 "$dir"
    as_server_user "$bin/pg_basebackup" -d "$primary" -D "$data" -R -X stream -c fast
    # A standby needs these at least as high as its primary's, or it refuses to start.
    local settings
    settings=$(psql "$primary" -XAt -F ' = ' -c "SELECT name, setting FROM pg_settings
        WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders',
                       'max_prepared_transactions', 'max_locks_per_transaction')")
    # Its own configuration (a Debian primary keeps it outside the data directory, which
    # pg_basebackup copies; another primary's copied one names its port and paths).
    as_server_user tee "$data/postgresql.conf" >/dev/null <<EOF
port = $replica_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
shared_buffers = 32MB
hba_file = '$data/pg_hba.conf'
ident_file = '$data/pg_ident.conf'
$settings
EOF
    as_server_user tee "$data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
    as_server_user touch "$data/pg_ident.conf"
    as_server_user "$bin/pg_ctl" -D "$data" -l "$dir/replica.log" -w -t 120 start >/dev/null
    if ! wait_for 120 streaming "$replica_port"; then
        echo "replica: not streaming from the primary after 120 s; its log:" >&2
        tail -n 30 "$dir/replica.log" >&2
        exit 1
    fi
    echo "replica: streaming from $host:$port on 127.0.0.1:$replica_port ($data)"
}

stop() {
    local dir=$1
    if [ -f "$dir/data/postmaster.pid" ]; then
        # The binaries of the copy's own version: the primary may be gone by now.
        local bin="/usr/lib/postgresql/$(cat "$dir/data/PG_VERSION")/bin"
        [ -x "$bin/pg_ctl" ] || bin=$(dirname "$(command -v pg_ctl)")
        as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    check) check ;;
    start) start "${2:?usage: scripts/replica.sh start DIR [PORT]}" "${3:-5544}" ;;
    stop) stop "${2:?usage: scripts/replica.sh stop DIR}" ;;
    *)
        echo "usage: scripts/replica.sh check | start DIR [PORT] | stop DIR" >&2
        exit 2
        ;;
esac
