#!/usr/bin/env bash
# Manual check of graceful shutdown (run after `npm run build`, from the repository root):
#   test/support/check-graceful-shutdown.sh
# Starts `node dist/src/main.js` with a temporary DATA_DIR (embedded PostgreSQL), waits for /health, sends SIGTERM,
# then checks that the process exited 0 and that no PostgreSQL process of that DATA_DIR is left.
set -u
PORT=${PORT:-38111}
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rapport-shutdown-XXXXXX")
chmod 711 "$DATA_DIR" # as root, embedded PostgreSQL runs as a 'postgres' user that must pass through it
LOG="$DATA_DIR.log"
PORT=$PORT DATA_DIR=$DATA_DIR LOG_LEVEL=info node dist/src/main.js >"$LOG" 2>&1 &
APP=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  kill -0 $APP 2>/dev/null || break
  sleep 0.5
done
if ! curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; then
  echo "FAIL: the app did not become healthy"; tail -20 "$LOG"; kill -KILL $APP 2>/dev/null; exit 1
fi
PG=$(pgrep -f -- "-D $DATA_DIR/pg" | tr '\n' ' ')
echo "app pid $APP, embedded PostgreSQL pids: $PG"
kill -TERM $APP
wait $APP
CODE=$?
sleep 1
LEFT=$(pgrep -f -- "-D $DATA_DIR/pg" | tr '\n' ' ')
echo "exit code: $CODE; PostgreSQL processes left: ${LEFT:-none}"
grep -o '"message":"SIGTERM[^"]*"' "$LOG" || true
if [ "$CODE" = 0 ] && [ -z "$LEFT" ]; then echo "PASS"; rm -rf "$DATA_DIR" "$LOG"; exit 0; fi
echo "FAIL (log: $LOG)"; exit 1
