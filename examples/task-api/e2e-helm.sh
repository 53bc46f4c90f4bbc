#!/usr/bin/env bash
# Walks examples/task-api through its whole lifecycle with the real helm (.tools/helm) as the
# client, against capstan's sandbox in `--exec local` mode, with a real PostgreSQL and Redis
# on loopback: the hook commands really run on this machine.
#
#   examples/task-api/e2e-helm.sh [path/to/capstan]
#
# Needs: initdb/pg_ctl (postgresql), psql, pg_dump, redis-server, redis-cli, and a built
# capstan binary (default: target/debug/capstan, or $CARGO_TARGET_DIR/debug/capstan).
# Every check prints "ok: ..."; the first failing one stops the script with exit status 1.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
chart="$repo/examples/task-api"
helm="$repo/.tools/helm"
capstan=${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/capstan}
for tool in psql pg_dump redis-server redis-cli "$helm" "$capstan"; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install postgresql redis-server; scripts/test installs helm; cargo build -p capstan)" >&2; exit 2; }
done
pgbin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")

work=$(mktemp -d /tmp/task-api-e2e.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/pg/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# expect DESCRIPTION COMMAND...: runs the check, prints ok or stops with FAIL.
expect() { local d=$1; shift; if "$@" >/dev/null; then ok "$d"; else fail "$d"; fi; }
eq() { [ "$1" = "$2" ] || { echo "  got ${1@Q}, want ${2@Q}" >&2; return 1; }; }
# PostgreSQL refuses to run as root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pg_port=$(free_port); redis_port=$(free_port)
mkdir -p "$work/pg" "$work/backups" && [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg" -U tasks --auth=trust >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" -l "$work/pg/log" -w start >/dev/null
sql() { psql "host=127.0.0.1 port=$pg_port user=tasks dbname=${DB:-tasks}" -tAX -c "$1"; }
DB=postgres sql "CREATE DATABASE tasks" >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" >"$work/redis.log" 2>&1 & pids+=($!)
rcli() { redis-cli -p "$redis_port" "$@"; }
for _ in $(seq 50); do rcli PING >/dev/null 2>&1 && break; sleep 0.1; done

"$capstan" sandbox serve --exec local --state-dir "$work/state" --write-kubeconfig "$work/kubeconfig" \
  --pod-start-delay-ms 50 >"$work/sandbox.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG="$work/kubeconfig" HOME="$work"
cat >"$work/values.yaml" <<VALUES
database: {host: 127.0.0.1, port: $pg_port, name: tasks, user: tasks, password: trust-auth-ignores-it}
redis: {host: 127.0.0.1, port: $redis_port}
backup: {dir: $work/backups}
VALUES
h() { "$helm" "$@" -f "$work/values.yaml" --timeout 60s; }

h install t "$chart" >/dev/null || fail "install"
expect "install: db-init created the tasks table" eq "$(sql "SELECT to_regclass('tasks') IS NOT NULL")" t
expect "install: post-install sequence registered the release" eq "$(rcli GET task-api:registry:t)" 1

rcli SET cached-before-upgrade 1 >/dev/null
h upgrade t "$chart" >/dev/null || fail "upgrade"
expect "upgrade: migration added tasks.priority (validation passed)" \
  eq "$(sql "SELECT count(*) FROM information_schema.columns WHERE table_name='tasks' AND column_name='priority'")" 1
expect "upgrade: post-upgrade FLUSHALL emptied redis" eq "$(rcli EXISTS cached-before-upgrade)" 0
expect "upgrade again: the migration is idempotent" h upgrade t "$chart"

if h upgrade t "$chart" --set failUpgrade=true >/dev/null 2>&1; then fail "failUpgrade=true upgrade succeeded"; fi
history() { "$helm" history t -o json | python3 -c 'import json,sys; print(" ".join("%s:%s" % (r["revision"], r["status"]) for r in json.load(sys.stdin)))'; }
expect "failing pre-upgrade hook: revision 4 failed, revision 3 still deployed" \
  eq "$(history)" "1:superseded 2:superseded 3:deployed 4:failed"

"$helm" rollback t 1 --timeout 60s >/dev/null || fail "rollback"
expect "rollback: pre-rollback backup written" ls "$work"/backups/t-pre-rollback-to-1-*.sql
expect "rollback: revision 5 deployed" eq "$(history)" "1:superseded 2:superseded 3:superseded 4:failed 5:deployed"

expect "test: passes" "$helm" test t --timeout 60s
h upgrade t "$chart" --set failTest=true >/dev/null || fail "upgrade with failTest"
if "$helm" test t --timeout 60s >/dev/null 2>&1; then fail "failTest=true test passed"; fi
ok "test: failTest=true fails with a non-zero exit"

"$helm" uninstall t --timeout 60s >/dev/null || fail "uninstall"
expect "uninstall: pre-delete pg_dump backup written" grep -q "CREATE TABLE public.tasks" "$work/backups/t-pre-delete.sql"
expect "uninstall: post-delete hook deregistered the release" eq "$(rcli EXISTS task-api:registry:t)" 0
echo "all checks passed"
