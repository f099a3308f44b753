#!/usr/bin/env bash
# npm run bench - measures Rapport against the anchors of ../shared/bench in one session, on this machine, with the
# same load, on the database `npm run bench:seed` made (seeded first if it is missing). Bounded in time: every load
# run is an autocannon run of BENCH_WARMUP + BENCH_DURATION seconds, the whole load phase is under `timeout`.
#   bench/run.sh                 anchors raw + nest-express, then Rapport: every scenario, then two instances
#   ANCHORS="raw raw-prepared nest-express nest-fastify" bench/run.sh     every anchor;  ANCHORS="" Rapport only
#   ENDPOINTS=consent,post PROBES=verify,import TWO_INSTANCES=0 BENCH_CONNECTIONS=32 BENCH_DURATION=3 bench/run.sh
#                                a quick subset (ANCHOR_ENDPOINTS=consent,get,list,post for the anchors)
#   RESEED=1 bench/run.sh        re-creates Rapport's bench database first (bench/seed.sh, BENCH_SCALE applies)
#   KEEP_PG=1                    leave PostgreSQL running when this script started it
# Results: bench/results/<date>/*.json (BENCH_RESULTS=… to choose), summary.json and table.md; the table is also
# put at the top of bench/RESULTS.md (REPORT=0 to skip).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export BENCH_RESULTS=${BENCH_RESULTS:-$HERE/results/$(date -u +%Y-%m-%d)}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}; export BENCH_CONNECTIONS
ANCHORS=${ANCHORS-"raw nest-express"}
mkdir -p "$BENCH_RESULTS"
anchor_setup
export BENCH_RESULTS BENCH_CONNECTIONS
trap 'rapport_stop rapport; rapport_stop rapport-2; pg_down' EXIT
pg_up
db_exists bench || "$ANCHOR/run-pg.sh" seed bench
if [ "${RESEED:-0}" = 1 ] || ! db_exists "$DB"; then KEEP_PG=1 "$HERE/seed.sh"; fi
{ uptime; $PSQL -d "$DB" -tAc "SELECT 'seed: contacts='||(SELECT count(*) FROM contacts)||' consents='||(SELECT count(*) FROM consents)
    ||' interactions='||(SELECT count(*) FROM interactions)||' follow_ups='||(SELECT count(*) FROM follow_ups)
    ||' contact_connections='||(SELECT count(*) FROM contact_connections)
    ||' audit_events='||(SELECT count(*) FROM audit_events)"; } | tee "$BENCH_RESULTS/machine.txt"

for a in $ANCHORS; do
  case $a in
    raw) "$ANCHOR/run-raw.sh" --endpoints "${ANCHOR_ENDPOINTS:-consent,get,list,post}" ;;
    raw-prepared) RAW_PREPARED=1 "$ANCHOR/run-raw.sh" --endpoints "${ANCHOR_ENDPOINTS:-consent,get,list,post}" ;;
    nest-express) "$ANCHOR/run-nest.sh" express ;;
    nest-fastify) "$ANCHOR/run-nest.sh" fastify ;;
  esac
done

rapport_build
KEY=rapk_bench_$(openssl rand -hex 16); export KEY
cleanup_load() {
  # Rows the load made are removed so the next run sees the seed state (audit events stay: append-only).
  $PSQL -d "$DB" -c "DELETE FROM disclosure_items" -c "DELETE FROM disclosures" \
    -c "DELETE FROM follow_ups WHERE interaction_id IN (SELECT id FROM interactions WHERE summary LIKE 'Bench load %')" \
    -c "DELETE FROM interactions WHERE summary LIKE 'Bench load %'" \
    -c "DELETE FROM contacts WHERE search_emails LIKE '%@post.bench.test' OR search_emails LIKE '%@import.bench.test'" \
    -c "VACUUM ANALYZE contacts, interactions, interaction_contacts, follow_ups, disclosures, disclosure_items" >/dev/null
}
cleanup_load
rapport_start rapport "$BENCH_APP_PORT"
RECIPIENT=$($PSQL -d "$DB" -tAc "SELECT bench_uuid('recipient-1')")
per_run=$(( ${BENCH_WARMUP:-3} + ${BENCH_DURATION:-15} + 15 ))
timeout $(( 900 + 8 * per_run * $(echo "$BENCH_CONNECTIONS" | wc -w) )) node "$HERE/load.mjs" --base "http://127.0.0.1:$BENCH_APP_PORT" --key "$KEY" \
  --recipient "$RECIPIENT" --db "$(DB_URL)" --server-pid "$(cat "$BENCH_RUN/rapport.pid")" \
  --endpoints "${ENDPOINTS-consent,get,list,search,post,interaction}" --probes "${PROBES-bulk,disclosure,search,interaction,briefing,introductions,verify,import}" \
  --out "$BENCH_RESULTS/rapport.json" | tee "$BENCH_RESULTS/rapport.log"

# The same POST load against two instances on one database (the connections split between them), after the same
# load against one instance, back to back.
if [ "${TWO_INSTANCES:-1}" = 1 ]; then
  cleanup_load
  # One instance again, right before the two, so both are measured under the same conditions.
  timeout $(( 300 + 2 * per_run * $(echo "$BENCH_CONNECTIONS" | wc -w) )) node "$HERE/load.mjs" --system rapport-1x \
    --base "http://127.0.0.1:$BENCH_APP_PORT" --key "$KEY" --recipient "$RECIPIENT" --db "$(DB_URL)" \
    --server-pid "$(cat "$BENCH_RUN/rapport.pid")" --endpoints "${TWO_INSTANCE_ENDPOINTS:-post}" --probes "" \
    --out "$BENCH_RESULTS/rapport-1x.json" | tee "$BENCH_RESULTS/rapport-1x.log"
  port2=$((BENCH_APP_PORT + 1))
  rapport_start rapport-2 "$port2"
  timeout $(( 300 + 2 * per_run * $(echo "$BENCH_CONNECTIONS" | wc -w) )) node "$HERE/load.mjs" --system rapport-2x \
    --base "http://127.0.0.1:$BENCH_APP_PORT" --base2 "http://127.0.0.1:$port2" --key "$KEY" --recipient "$RECIPIENT" --db "$(DB_URL)" \
    --server-pid "$(cat "$BENCH_RUN/rapport.pid")" --server2-pid "$(cat "$BENCH_RUN/rapport-2.pid")" \
    --endpoints "${TWO_INSTANCE_ENDPOINTS:-post}" --probes "" --out "$BENCH_RESULTS/rapport-2x.json" | tee "$BENCH_RESULTS/rapport-2x.log"
  rapport_stop rapport-2
fi
rapport_stop rapport
cleanup_load
[ "${REPORT:-1}" = 1 ] && node "$HERE/report.mjs" "$BENCH_RESULTS" --results-md "$HERE/RESULTS.md"
echo "results in $BENCH_RESULTS"
