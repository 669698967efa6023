#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer for the test suite; start the machine's own servers when they are down.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if [ -z "${DATABASE_URL:-}" ] && ! pg_up; then
  echo "==> PostgreSQL is down on 127.0.0.1:5432, starting it (启动 PostgreSQL)…"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 50); do pg_up && break; sleep 0.2; done
  pg_up || { echo "PostgreSQL did not start. Start it, or set DATABASE_URL. 无法启动 PostgreSQL，请设置 DATABASE_URL。" >&2; exit 1; }
fi

if [ -z "${REDIS_URL:-}" ] && ! redis_up; then
  echo "==> Redis is down on 127.0.0.1:6379, starting it (启动 Redis)…"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  redis_up || { echo "Redis did not start. Start it, or set REDIS_URL. 无法启动 Redis，请设置 REDIS_URL。" >&2; exit 1; }
fi
exit 0
