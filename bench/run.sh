#!/usr/bin/env bash
# Measures Rapport against the anchors of ../shared/bench in one session, on this machine, with the same load.
#   bench/run.sh                       anchors (raw node+pg, bare Nest+Express+TypeORM) + Rapport, results in bench/results/<date>/
#   ANCHORS="raw raw-prepared nest-express nest-fastify" bench/run.sh     every anchor
#   ANCHORS="" bench/run.sh            Rapport only;  RESEED=1 re-creates Rapport's bench database
#   ENDPOINTS=consent PROBES=bulk BENCH_CONNECTIONS=32 bench/run.sh     a quicker subset
# Everything listens on and targets 127.0.0.1 only; every load run is bounded in time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE"); SHARED=$(cd "$ROOT/../shared/bench" && pwd)
WORK=/tmp/rapport-bench; ANCHOR=$WORK/anchor
export BENCH_RESULTS=${BENCH_RESULTS:-$HERE/results/$(date -u +%Y-%m-%d)}
ANCHORS=${ANCHORS-"raw nest-express"}
mkdir -p "$BENCH_RESULTS" "$WORK"

# shared/ is read-only and its setup links node_modules into itself: work on a copy.
rm -rf "$ANCHOR"; mkdir -p "$ANCHOR"; cp -r "$SHARED"/. "$ANCHOR"/; chmod -R u+w "$ANCHOR"; rm -rf "$ANCHOR/results"
"$ANCHOR/setup.sh" >/dev/null
ln -sfn /tmp/bench-node/node_modules "$HERE/node_modules"
# shellcheck source=/dev/null
. "$ANCHOR/lib/env.sh"
"$ANCHOR/run-pg.sh" start
exists() { $PSQL -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }
exists bench || "$ANCHOR/run-pg.sh" seed bench

DB=rapport_bench; seed=0
if [ "${RESEED:-0}" = 1 ] || ! exists "$DB"; then
  $PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"; seed=1
fi

for a in $ANCHORS; do
  case $a in
    raw) "$ANCHOR/run-raw.sh" --endpoints "${ANCHOR_ENDPOINTS:-consent,get,post}" ;;
    raw-prepared) RAW_PREPARED=1 "$ANCHOR/run-raw.sh" --endpoints "${ANCHOR_ENDPOINTS:-consent,get,post}" ;;
    nest-express) "$ANCHOR/run-nest.sh" express ;;
    nest-fastify) "$ANCHOR/run-nest.sh" fastify ;;
  esac
done

(cd "$ROOT" && npm run build >/dev/null)
KEY=rapk_bench_$(openssl rand -hex 16)
pidfile=$BENCH_RUN/rapport.pid
# exec: the pid recorded is node's own, so stop_pidfile stops the server and not just a wrapping shell.
(cd "$ROOT" && exec env DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB" PORT=$BENCH_APP_PORT HOST=127.0.0.1 \
  ADMIN_API_KEY=$KEY RATE_LIMIT_PER_MINUTE=0 LOG_LEVEL=warn WORKERS_ENABLED=false DATA_DIR=$WORK/data \
  DATABASE_POOL_SIZE=$BENCH_POOL node dist/src/main.js >"$BENCH_RESULTS/rapport.server.log" 2>&1) &
echo $! >"$pidfile"
trap 'stop_pidfile "$pidfile"' EXIT
wait_http "http://127.0.0.1:$BENCH_APP_PORT/health" 120 || { tail -30 "$BENCH_RESULTS/rapport.server.log"; exit 1; }
if [ $seed = 1 ]; then
  t0=$(date +%s); $PSQL -d "$DB" -f "$HERE/seed.sql" >/dev/null; echo "seeded $DB in $(( $(date +%s) - t0 )) s"
fi
$PSQL -d "$DB" -c "DELETE FROM contacts WHERE search_emails LIKE '%@post.bench.test'" -c "VACUUM ANALYZE contacts" >/dev/null
RECIPIENT=$($PSQL -d "$DB" -tAc "SELECT bench_uuid('recipient-1')")
timeout 1800 node "$HERE/load.mjs" --base "http://127.0.0.1:$BENCH_APP_PORT" --key "$KEY" --recipient "$RECIPIENT" \
  --server-pid "$(cat "$pidfile")" --endpoints "${ENDPOINTS:-consent,get,post,search}" --probes "${PROBES:-bulk,disclosure,search}" \
  --out "$BENCH_RESULTS/rapport.json" | tee "$BENCH_RESULTS/rapport.log"
stop_pidfile "$pidfile"; trap - EXIT
# Disclosures and posted contacts made by the load are removed so the next run sees the seed state.
$PSQL -d "$DB" -c "DELETE FROM disclosure_items" -c "DELETE FROM disclosures" \
  -c "DELETE FROM contacts WHERE search_emails LIKE '%@post.bench.test'" -c "VACUUM ANALYZE" >/dev/null
[ "${KEEP_PG:-0}" = 1 ] || "$ANCHOR/run-pg.sh" stop
echo "results in $BENCH_RESULTS"
