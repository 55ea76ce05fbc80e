#!/usr/bin/env bash
# Start PostgreSQL and Redis when they are not running (the commands of this machine kind).
set -euo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# Replication connections from this machine, for tests/ops/test_replica.py: a throwaway
# streaming replica that scripts/replica.sh makes with pg_basebackup. Trust on loopback, as
# every other local connection here already is; a reload, not a restart.
hba=$(psql -h 127.0.0.1 -U postgres -XAtc "SHOW hba_file" 2>/dev/null || true)
if [ -n "$hba" ] && [ -w "$hba" ] && ! grep -qE '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    echo "allowing replication connections from 127.0.0.1 (for the replica test)"
    echo "host replication all 127.0.0.1/32 trust" >>"$hba"
    psql -h 127.0.0.1 -U postgres -XAtc "SELECT pg_reload_conf()" >/dev/null
fi
