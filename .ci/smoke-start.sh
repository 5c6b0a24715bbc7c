#!/usr/bin/env bash
# The README's first command as a user runs it: `npm start` with no
# DATABASE_URL (embedded PostgreSQL under a temporary DATA_DIR), twice, checking
# that what was created before the restart is still there after it.
set -euo pipefail
cd "$(dirname "$0")/.."

unset DATABASE_URL REDIS_URL
export DATA_DIR; DATA_DIR="$(mktemp -d)"
export PORT=4917 EMBEDDED_DB_PORT=54917 ADMIN_TOKEN="smoke-admin-token-0123456789"
BASE="http://127.0.0.1:$PORT"
LOG="$DATA_DIR/server.log"
PID=""

stop_server() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM -- "-$PID" 2>/dev/null || kill -TERM "$PID"
    for _ in $(seq 1 60); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  fi
  PID=""
}
cleanup() {
  local status=$?
  stop_server
  # the embedded PostgreSQL may still be writing its shutdown checkpoint: its postmaster.pid goes last
  for _ in $(seq 1 60); do [ -e "$DATA_DIR/postgres/postmaster.pid" ] || break; sleep 0.5; done
  rm -rf "$DATA_DIR" 2>/dev/null || { sleep 2; rm -rf "$DATA_DIR" || echo "note: could not remove $DATA_DIR"; }
  exit "$status"
}
trap cleanup EXIT

start_server() {
  setsid npm start >"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do
    if curl -fsS "$BASE/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$PID" 2>/dev/null; then echo "server exited"; tail -50 "$LOG"; return 1; fi
    sleep 0.5
  done
  echo "server not ready in time"; tail -50 "$LOG"; return 1
}

fetch() { # url expected-substring (asked as a browser navigation: the console answers only those)
  local body; body="$(curl -fsS -H 'Accept: text/html,application/xhtml+xml,*/*;q=0.8' "$1")" || { echo "FAIL: GET $1"; return 1; }
  grep -q -- "$2" <<<"$body" || { echo "FAIL: GET $1 lacks '$2'"; return 1; }
  echo "ok: GET $1"
}

start_server
fetch "$BASE/" "LLMHub console"
fetch "$BASE/docs" "swagger"
fetch "$BASE/openapi.json" '"openapi"'
curl -fsS -X POST "$BASE/api/admin/clients" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
  -d '{"name":"smoke-survivor"}' >/dev/null
echo "ok: created a client"
stop_server

start_server
curl -fsS "$BASE/api/admin/clients" -H "Authorization: Bearer $ADMIN_TOKEN" | grep -q smoke-survivor \
  || { echo "FAIL: data did not survive the restart"; exit 1; }
echo "ok: data survived the restart"
stop_server
echo "smoke: passed"
