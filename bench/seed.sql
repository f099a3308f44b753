-- Deterministic seed for Rapport's own schema (run after the migrations): the same ids and shapes as the
-- anchors' seed in ../shared/bench/pg/seed.sql, so ../shared/bench/load/ids.mjs picks the same rows.
--   organisation n (1..10000):  bench_uuid('org-'||n)
--   contact      n (1..100000): bench_uuid('contact-'||n), e-mail c<n>@example.test
--   consents: 3 per contact (300,000), purposes (n + 2k) mod 6, 10 % withdrawn, a quarter expiring after 180 days
\set ON_ERROR_STOP 1
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
COMMIT;
VACUUM ANALYZE;
