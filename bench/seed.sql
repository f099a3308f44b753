-- Deterministic seed for Rapport's own schema (run after the migrations): the same ids and shapes as the
-- anchors' seed in ../shared/bench/pg/seed.sql, so ../shared/bench/load/ids.mjs picks the same rows.
--   organisation n (1..10000):  bench_uuid('org-'||n)
--   contact      n (1..100000): bench_uuid('contact-'||n), e-mail c<n>@example.test
--   consents: 3 per contact (300,000), purposes (n + 2k) mod 6, 10 % withdrawn, a quarter expiring after 180 days
--   user 'user-1' (staff, the author of every seeded interaction)
--   interaction n (1..:interactions, default 500,000): bench_uuid('interaction-'||n), two contacts each
--     (contact 1 + (7n) mod 100000 and 1 + (7n + 31337) mod 100000), organisation of the first contact,
--     a follow-up for every fifth (open when n is even, else done)
-- The audit trail (1,000,000 sealed events) is written by bench/seed-audit.mjs, see bench/seed.sh.
\set ON_ERROR_STOP 1
\if :{?interactions}
\else
  \set interactions 500000
\endif
CREATE OR REPLACE FUNCTION bench_uuid(s text) RETURNS uuid
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT overlay(overlay(md5(s) placing '4' from 13) placing '8' from 17)::uuid $$;

BEGIN;
INSERT INTO organisations (id, name, kind, website, created_at, updated_at)
SELECT bench_uuid('org-' || n), 'Organisation ' || n, 'company', 'https://org' || n || '.example.test',
       timestamptz '2023-01-01 00:00:00+00' + (n || ' minutes')::interval,
       timestamptz '2023-01-01 00:00:00+00' + (n || ' minutes')::interval
FROM generate_series(1, 10000) AS n;

INSERT INTO contacts (id, given_name, family_name, emails, organisation_id, created_at, updated_at)
SELECT bench_uuid('contact-' || n),
       (ARRAY['Ada','Alan','Grace','Edsger','Barbara','Donald','Frances','John','Margaret','Ken',
              'Radia','Tim','Hedy','Linus','Sophie','Dennis','Anita','Niklaus','Karen','Leslie'])[1 + n % 20],
       (ARRAY['Lovelace','Turing','Hopper','Dijkstra','Liskov','Knuth','Allen','Backus','Hamilton','Thompson',
              'Perlman','Berners-Lee','Lamarr','Torvalds','Wilson','Ritchie','Borg','Wirth','Jones','Lamport',
              'Smith','Meyer','Okafor','Nakamura','Garcia','Novak','Haddad','Kowalski','Larsen','Silva'])[1 + (n * 7) % 30],
       jsonb_build_array(jsonb_build_object('address', 'c' || n || '@example.test', 'label', 'work')),
       CASE WHEN n % 10 = 0 THEN NULL ELSE bench_uuid('org-' || (1 + (n * 7919) % 10000)) END,
       timestamptz '2024-01-01 00:00:00+00' + (n || ' seconds')::interval,
       timestamptz '2024-01-01 00:00:00+00' + (n || ' seconds')::interval
FROM generate_series(1, 100000) AS n;

INSERT INTO purposes (id, key, name, description, legal_basis, data_categories)
SELECT bench_uuid('purpose-' || p), p, initcap(replace(p, '_', ' ')), 'Benchmark purpose', 'consent',
       '{givenName,familyName,emails,organisationId,jobTitle}'
FROM unnest(ARRAY['marketing_email','analytics','partner_sharing','research','newsletter','profiling']) AS p;

INSERT INTO recipients (id, name, kind, webhook_secret_sealed)
VALUES (bench_uuid('recipient-1'), 'Bench marketing tool', 'internal_tool', 'unused-in-benchmarks');

INSERT INTO consents (id, contact_id, purpose_id, status, method, notice_version, obtained_at, withdrawn_at, expires_at)
SELECT bench_uuid('consent-' || n || '-' || k),
       bench_uuid('contact-' || n),
       bench_uuid('purpose-' || (ARRAY['marketing_email','analytics','partner_sharing','research','newsletter','profiling'])[1 + (n + 2 * k) % 6]),
       CASE WHEN (n * 3 + k) % 10 = 0 THEN 'withdrawn' ELSE 'granted' END,
       'web_form', 'v1',
       g.granted_at,
       CASE WHEN (n * 3 + k) % 10 = 0 THEN g.granted_at + interval '30 days' END,
       CASE (n + k) % 4 WHEN 0 THEN g.granted_at + interval '180 days'
                        WHEN 1 THEN g.granted_at + interval '5 years'
                        ELSE NULL END
FROM generate_series(1, 100000) AS n
CROSS JOIN generate_series(0, 2) AS k
CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00' + ((n % 365) || ' days')::interval
                                                                + ((k * 97) || ' minutes')::interval AS granted_at) g;

INSERT INTO users (id, name, email, role)
VALUES (bench_uuid('user-1'), 'Bench staff', 'bench-staff@example.test', 'staff');

INSERT INTO interactions (id, type, occurred_at, summary, author_id, reciprocity, created_at, updated_at)
SELECT bench_uuid('interaction-' || n),
       (ARRAY['meeting','call','email','event','message','other'])[1 + n % 6],
       timestamptz '2024-01-01 00:00:00+00' + ((n * 60) || ' seconds')::interval,
       'Seeded interaction ' || n || ': talked about the next project',
       bench_uuid('user-1'),
       (ARRAY['give','exchange','ask'])[1 + n % 3],
       timestamptz '2024-01-01 00:00:00+00' + ((n * 60) || ' seconds')::interval,
       timestamptz '2024-01-01 00:00:00+00' + ((n * 60) || ' seconds')::interval
FROM generate_series(1, :interactions) AS n;

INSERT INTO interaction_contacts (interaction_id, contact_id)
SELECT bench_uuid('interaction-' || n), bench_uuid('contact-' || (1 + (n * 7 + k * 31337) % 100000))
FROM generate_series(1, :interactions) AS n CROSS JOIN generate_series(0, 1) AS k;

INSERT INTO interaction_organisations (interaction_id, organisation_id)
SELECT bench_uuid('interaction-' || n), bench_uuid('org-' || (1 + ((1 + (n * 7) % 100000) * 7919) % 10000))
FROM generate_series(1, :interactions) AS n
WHERE (1 + (n * 7) % 100000) % 10 <> 0;

INSERT INTO follow_ups (id, interaction_id, contact_id, due_at, assignee_id, note, status, completed_at, completed_by, created_by, created_at, updated_at)
SELECT bench_uuid('follow-up-' || n), bench_uuid('interaction-' || n), bench_uuid('contact-' || (1 + (n * 7) % 100000)),
       t.at + interval '7 days', bench_uuid('user-1'), 'Send the slides',
       CASE WHEN n % 2 = 0 THEN 'open' ELSE 'done' END,
       CASE WHEN n % 2 = 0 THEN NULL ELSE t.at + interval '6 days' END,
       CASE WHEN n % 2 = 0 THEN NULL ELSE 'user:' || bench_uuid('user-1') END,
       'user:' || bench_uuid('user-1'), t.at, t.at
FROM generate_series(5, :interactions, 5) AS n
CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00' + ((n * 60) || ' seconds')::interval AS at) t;
COMMIT;
