#!/usr/bin/env bash
# Boots the built service on a fresh embedded database, as a newcomer's `npm start` would:
# /ready within 60 s cold, the printed demo curl answers, a second start reuses the data,
# and SIGINT leaves no postgres process behind.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATA_DIR=.data/ci-smoke PORT=3999 EMBEDDED_PG_PORT=54339 LOG_LEVEL=warn
unset DATABASE_URL ADMIN_TOKEN
rm -rf "$DATA_DIR"
log=$(mktemp)
pid=

fail() { echo "smoke: FAIL: $*"; echo "--- service output ---"; cat "$log"; [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; exit 1; }

start() {
  : > "$log"
  node dist/src/main.js > "$log" 2>&1 &
  pid=$!
  local t0=$(date +%s%N)
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null; then
      echo "smoke: /ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "the service exited during start-up"
    sleep 0.1
  done
  fail "/ready did not answer within 60 s"
}

stop() {
  kill -INT "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "the service did not exit within 10 s of SIGINT"
  pid=
  if pgrep -f "postgres -D $(pwd)/$DATA_DIR/pg" > /dev/null; then fail "a postgres process is left behind"; fi
  echo "smoke: stopped cleanly, no postgres left"
}

start
demo=$(grep -o 'curl -s -H "Authorization: Bearer sk_[^"]*" http://localhost:[0-9]*/v1/brand' "$log" | head -1)
[ -n "$demo" ] || fail "no demo curl line printed"
answer=$(eval "$demo")
echo "$answer" | grep -q '"name":"Demo"' || fail "demo curl answered: $answer"
echo "smoke: demo curl works"
curl -sf "http://127.0.0.1:$PORT/docs" > /dev/null || fail "/docs not served"
stop

start
grep -q 'Created the "Demo" brand' "$log" && fail "second start did not reuse $DATA_DIR"
echo "smoke: second start reused the data"
stop
rm -rf "$DATA_DIR"
echo "smoke: passed"
