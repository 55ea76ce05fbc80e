#!/usr/bin/env bash
# Matching on two worker hosts (network namespaces wk-host1, wk-host2), and one host's link cut
# mid-run: see `python -m bench.hosts --help` and bench/README.md. Run as root, by hand, never
# in CI. Whatever happens, the namespaces, veths and processes it made are removed again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "bench/hosts.sh: run as root (it makes network namespaces)" >&2
  exit 1
fi
command -v ip >/dev/null || { echo "bench/hosts.sh: needs ip (Debian package iproute2)" >&2; exit 1; }
cleanup() { .venv/bin/python -m bench.hosts cleanup || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup  # whatever an earlier, interrupted run left behind
.venv/bin/python -m bench.hosts run "$@"
