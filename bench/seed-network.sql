-- Deterministic network seed (issue 14's benchmarks), run by bench/seed.sh after seed.sql, or alone on an existing
-- bench database (idempotent: it removes what it wrote before and writes it again):
--   psql -d rapport_bench -f bench/seed-network.sql
--
--   staff: 20 staff users bench_uuid('staff-'||k), k = 1..20; every fourth seeded interaction (n % 4 = 0) has one of
--     them as a participant (staff-(1 + (n / 4) % 20)), so a contact is known to user-1 (the author of all) and
--     to a few of them.
--   contact_connections: exactly 300,000 rows, created_by 'bench-seed', ids bench_uuid('connection-'||kind||'-'||e):
--     colleague     (symmetric)  contacts of the same organisation (n and n + 10000, see seed.sql's organisation_id)
--     reports_to    (directed)   n + 20000 reports to n, same organisation, for a fifth of them
--     introduced_by (directed)   uniform random pairs
--     knows         (symmetric)  one end uniform, the other skewed towards low numbers (1 + 100000·u²): a heavy
--                                tail of well-connected people (max degree in the hundreds) and many with 0–3
--   No self-loops, no pair twice with the same kind in either direction (the table's unique index), only live
--   contacts (seeded contacts are never archived, erased or merged).
--   event bench_uuid('event-1') "Bench trade fair" with 500 attendees (contacts 1 + 199·k, k = 0..499: every one has
--     seeded interactions, hence staff who know them, and some open follow-ups) and three representatives.
\set ON_ERROR_STOP 1
CREATE OR REPLACE FUNCTION bench_uuid(s text) RETURNS uuid
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT overlay(overlay(md5(s) placing '4' from 13) placing '8' from 17)::uuid $$;
-- A deterministic uniform number in [0, 1) from a text.
CREATE OR REPLACE FUNCTION bench_unit(s text) RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (('x' || substr(md5(s), 1, 8))::bit(32)::bigint)::float8 / 4294967296.0 $$;

BEGIN;
DELETE FROM event_attendees WHERE event_id = bench_uuid('event-1');
DELETE FROM event_representatives WHERE event_id = bench_uuid('event-1');
DELETE FROM events WHERE id = bench_uuid('event-1');
DELETE FROM contact_connections WHERE created_by = 'bench-seed';
DELETE FROM interaction_participants p USING users u WHERE u.id = p.user_id AND u.email LIKE 'bench-staff-%@example.test';

INSERT INTO users (id, name, email, role)
SELECT bench_uuid('staff-' || k), 'Bench staff ' || k, 'bench-staff-' || k || '@example.test', 'staff'
FROM generate_series(1, 20) AS k
ON CONFLICT DO NOTHING;

INSERT INTO interaction_participants (interaction_id, user_id)
SELECT i.id, bench_uuid('staff-' || (1 + (n / 4) % 20))
FROM generate_series(4, (SELECT count(*) FROM interactions WHERE summary LIKE 'Seeded interaction %'), 4) AS n
JOIN interactions i ON i.id = bench_uuid('interaction-' || n);

CREATE TEMP TABLE bench_edges (ord bigint, kind text, e bigint, a int, b int) ON COMMIT DROP;
-- colleague: n and n + 10000 share an organisation when n % 10 <> 0; two thirds of those pairs.
INSERT INTO bench_edges
SELECT 1, 'colleague', n, n, n + 10000 FROM generate_series(1, 90000) AS n WHERE n % 10 <> 0 AND n % 3 <> 0;
-- reports_to: n + 20000 reports to n (same organisation), for n % 5 = 1.
INSERT INTO bench_edges
SELECT 2, 'reports_to', n, n + 20000, n FROM generate_series(1, 80000) AS n WHERE n % 10 <> 0 AND n % 5 = 1;
-- introduced_by: uniform.
INSERT INTO bench_edges
SELECT 3, 'introduced_by', e, 1 + floor(100000 * bench_unit('ib-a-' || e))::int, 1 + floor(100000 * bench_unit('ib-b-' || e))::int
FROM generate_series(1, 20000) AS e;
-- knows: the rest, one end skewed.
INSERT INTO bench_edges
SELECT 4, 'knows', e, 1 + floor(100000 * bench_unit('kn-a-' || e))::int, 1 + floor(100000 * bench_unit('kn-b-' || e) ^ 2)::int
FROM generate_series(1, 260000) AS e;

INSERT INTO contact_connections (id, from_contact_id, to_contact_id, kind, created_by, created_at)
SELECT bench_uuid('connection-' || kind || '-' || e), bench_uuid('contact-' || a), bench_uuid('contact-' || b), kind, 'bench-seed',
       timestamptz '2025-01-01 00:00:00+00' + (e || ' seconds')::interval
FROM (
  SELECT DISTINCT ON (least(a, b), greatest(a, b), kind) ord, kind, e, a, b
    FROM bench_edges WHERE a <> b
   ORDER BY least(a, b), greatest(a, b), kind, ord, e
) d
ORDER BY ord, e
LIMIT 300000;

INSERT INTO events (id, name, starts_at, ends_at, location, goals, key_messages, created_by, created_at, updated_at)
VALUES (bench_uuid('event-1'), 'Bench trade fair', timestamptz '2025-03-10 09:00:00+00', timestamptz '2025-03-12 18:00:00+00',
        'Messe', 'Meet the partners we have not seen for a year', ARRAY['Our new service', 'The partner programme'],
        'bench-seed', timestamptz '2025-02-01 00:00:00+00', timestamptz '2025-02-01 00:00:00+00');
INSERT INTO event_representatives (event_id, user_id)
SELECT bench_uuid('event-1'), bench_uuid('staff-' || k) FROM generate_series(1, 3) AS k;
INSERT INTO event_attendees (event_id, contact_id, created_by, created_at)
SELECT bench_uuid('event-1'), bench_uuid('contact-' || (1 + 199 * k)), 'bench-seed', timestamptz '2025-02-01 00:00:00+00'
FROM generate_series(0, 499) AS k;
COMMIT;

ANALYZE contact_connections;
ANALYZE event_attendees;
ANALYZE interaction_participants;
SELECT 'contact_connections=' || (SELECT count(*) FROM contact_connections WHERE created_by = 'bench-seed')
    || ' (' || (SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) AS n FROM contact_connections
                 WHERE created_by = 'bench-seed' GROUP BY kind) k) || ')'
    || ' event_attendees=' || (SELECT count(*) FROM event_attendees WHERE event_id = bench_uuid('event-1'))
    || ' interaction_participants=' || (SELECT count(*) FROM interaction_participants) AS network;
