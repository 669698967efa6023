#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer for the test suite; start the machine's own servers when they are down.
set -euo pipefail
# shellcheck source=deploy/scripts/say.sh
source "$(dirname "${BASH_SOURCE[0]}")/say.sh"

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if [ -z "${DATABASE_URL:-}" ] && ! pg_up; then
  say "==> PostgreSQL is down on 127.0.0.1:5432, starting it…" "==> 127.0.0.1:5432 上的 PostgreSQL 未运行，正在启动…"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 50); do pg_up && break; sleep 0.2; done
  pg_up || {
    say_err "PostgreSQL did not start: start it yourself, or set DATABASE_URL to a PostgreSQL you run." \
      "PostgreSQL 无法启动：请手动启动它，或把 DATABASE_URL 设为你自己运行的 PostgreSQL。"
    exit 1
  }
fi

if [ -z "${REDIS_URL:-}" ] && ! redis_up; then
  say "==> Redis is down on 127.0.0.1:6379, starting it…" "==> 127.0.0.1:6379 上的 Redis 未运行，正在启动…"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  redis_up || {
    say_err "Redis did not start: start it yourself, or set REDIS_URL to a Redis you run." \
      "Redis 无法启动：请手动启动它，或把 REDIS_URL 设为你自己运行的 Redis。"
    exit 1
  }
fi
exit 0
