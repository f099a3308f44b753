# Sourced by bench/seed.sh and bench/run.sh: the anchors' environment, embedded PostgreSQL, Rapport's servers.
# Everything listens on and targets 127.0.0.1 only; every process started here is recorded in a pid file and
# stopped by that pid.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); ROOT=$(dirname "$HERE")
# The anchors live next to the repository (../shared/bench); a clone elsewhere finds them with SHARED_BENCH.
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
[ -d "$SHARED" ] || SHARED=/work/shared/bench
SHARED=$(cd "$SHARED" && pwd)
WORK=${BENCH_WORK:-/tmp/rapport-bench}; ANCHOR=$WORK/anchor
export BENCH_ANCHOR_DIR=$ANCHOR
DB=${BENCH_DB:-rapport_bench}
mkdir -p "$WORK"

# shared/ is read-only and its setup links node_modules into itself: work on a copy. Its setup.sh (npm ci into
# /tmp/bench-node) runs only when the installed lock differs or autocannon is missing.
anchor_setup() {
  rm -rf "$ANCHOR"; mkdir -p "$ANCHOR"; cp -r "$SHARED"/. "$ANCHOR"/; chmod -R u+w "$ANCHOR"; rm -rf "$ANCHOR/results"
  local deps=${BENCH_DEPS:-/tmp/bench-node}
  if [ -d "$deps/node_modules/autocannon" ] && cmp -s "$ANCHOR/package-lock.json" "$deps/package-lock.json"; then
    ln -sfn "$deps/node_modules" "$ANCHOR/node_modules"; ln -sfn "$deps/node_modules" "$ANCHOR/nest/node_modules"
  else
    "$ANCHOR/setup.sh" >/dev/null
  fi
  ln -sfn "$deps/node_modules" "$HERE/node_modules"
  # shellcheck source=/dev/null
  . "$ANCHOR/lib/env.sh"
}

# PostgreSQL is stopped at the end only if this script started it (another session may be using it).
PG_STARTED=0
pg_up() {
  if "$ANCHOR/run-pg.sh" status | grep -q '^running'; then return 0; fi
  if (exec 3<>/dev/tcp/127.0.0.1/"${PGPORT:-54329}") 2>/dev/null; then return 0; fi
  "$ANCHOR/run-pg.sh" start; PG_STARTED=1
}
pg_down() { if [ "$PG_STARTED" = 1 ] && [ "${KEEP_PG:-0}" != 1 ]; then "$ANCHOR/run-pg.sh" stop; fi; }

db_exists() { $PSQL -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }
DB_URL() { echo "postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB"; }

rapport_build() { (cd "$ROOT" && { [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f dist/src/main.js ] || npm run build >/dev/null; }); }

# rapport_start NAME PORT [ENV=VALUE…] - starts dist/src/main.js on 127.0.0.1:PORT, pid in $BENCH_RUN/NAME.pid
rapport_start() {
  local name=$1 port=$2; shift 2
  local pidfile=$BENCH_RUN/$name.pid
  # exec: the pid recorded is node's own, so stop_pidfile stops the server and not just a wrapping shell.
  (cd "$ROOT" && exec env DATABASE_URL="$(DB_URL)" PORT="$port" HOST=127.0.0.1 \
    ADMIN_API_KEY="$KEY" RATE_LIMIT_PER_MINUTE=0 LOG_LEVEL=warn WORKERS_ENABLED=false DATA_DIR="$WORK/data" \
    DATABASE_POOL_SIZE="$BENCH_POOL" "$@" node dist/src/main.js >"$BENCH_RESULTS/$name.server.log" 2>&1) &
  echo $! >"$pidfile"
  wait_http "http://127.0.0.1:$port/health" 120 || { tail -30 "$BENCH_RESULTS/$name.server.log"; return 1; }
}
rapport_stop() { stop_pidfile "$BENCH_RUN/$1.pid"; }
