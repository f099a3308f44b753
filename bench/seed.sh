#!/usr/bin/env bash
# npm run bench:seed - (re)creates Rapport's bench database (default rapport_bench) on the anchors' embedded
# PostgreSQL (127.0.0.1:54329) and fills it through SQL: Rapport's migrations, then bench/seed.sql (10,000
# organisations, 100,000 contacts, 300,000 consents over 6 purposes and a recipient, 500,000 interactions with two
# contacts each and 100,000 follow-ups), bench/seed-network.sql (300,000 contact connections, an event with 500
# attendees), then 1,000,000 sealed audit events (bench/seed-audit.mjs, hashed with
# Rapport's own auditHash, COPY'd in). Also seeds the anchors' database `bench` if it is missing. Deterministic.
#   BENCH_SCALE=0.05 npm run bench:seed     interactions and audit events × 0.05 (contacts, organisations and
#                                           consents stay full size: the load picks the anchors' ids)
#   BENCH_INTERACTIONS=… BENCH_AUDIT_EVENTS=…  set the two sizes directly
#   KEEP_PG=1   leave PostgreSQL running when this script started it
set -euo pipefail
. "$(dirname "$0")/lib.sh"
anchor_setup
trap pg_down EXIT
pg_up
db_exists bench || "$ANCHOR/run-pg.sh" seed bench

SCALE=${BENCH_SCALE:-1}
scaled() { node -e "console.log(Math.max(1, Math.round($1 * $SCALE)))"; }
NI=${BENCH_INTERACTIONS:-$(scaled 500000)}
NA=${BENCH_AUDIT_EVENTS:-$(scaled 1000000)}

t0=$(date +%s)
$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
  -c "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
# Checkpoints signed for the previous database's chain would not match the new one.
rm -rf "$WORK/data/checkpoints"
rapport_build
(cd "$ROOT" && DATABASE_URL="$(DB_URL)" node_modules/.bin/typeorm migration:run -d dist/src/database/data-source.js >/dev/null)
echo "migrated $DB in $(( $(date +%s) - t0 )) s"

t1=$(date +%s)
$PSQL -d "$DB" -v interactions="$NI" -f "$HERE/seed.sql" >/dev/null
echo "seeded organisations, contacts, consents, $NI interactions in $(( $(date +%s) - t1 )) s"
# Issue 14: 300,000 contact connections, 20 staff taking part in the seeded interactions, an event with 500
# attendees (runnable alone on an existing database: psql -d rapport_bench -f bench/seed-network.sql).
t1=$(date +%s)
$PSQL -d "$DB" -q -f "$HERE/seed-network.sql"
echo "seeded the network (connections, staff participants, a 500-attendee event) in $(( $(date +%s) - t1 )) s"

t2=$(date +%s)
node "$HERE/seed-audit.mjs" --count "$NA" --interactions "$NI" | $PSQL -d "$DB" -c "COPY audit_events (id, seq, occurred_at, actor_type, actor_id, action,
  entity_type, entity_id, contact_id, request_id, before, after, prev_hash, hash, sealed_at) FROM STDIN"
echo "wrote $NA sealed audit events in $(( $(date +%s) - t2 )) s"

$PSQL -d "$DB" -c "VACUUM ANALYZE" >/dev/null
$PSQL -d "$DB" -tAc "SELECT 'organisations='||(SELECT count(*) FROM organisations)||' contacts='||(SELECT count(*) FROM contacts)
  ||' consents='||(SELECT count(*) FROM consents)||' interactions='||(SELECT count(*) FROM interactions)
  ||' follow_ups='||(SELECT count(*) FROM follow_ups)||' contact_connections='||(SELECT count(*) FROM contact_connections)||' audit_events='||(SELECT count(*) FROM audit_events)
  ||' unsealed='||(SELECT count(*) FROM audit_events WHERE seq IS NULL)"
echo "bench database $DB ready in $(( $(date +%s) - t0 )) s"
