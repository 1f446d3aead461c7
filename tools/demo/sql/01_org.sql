-- Org chart: territories, teams with managers, quota-carrying reps (hire, termination, ramp),
-- and the pools later steps draw owners from. d_team_raw / d_territory come from catalog.py.
CREATE OR REPLACE TEMP TABLE d_team AS
WITH c AS (
  SELECT t.*, tr.name AS region,
         sum(t.share) OVER (ORDER BY t.team_no) - t.share AS cum_lo,
         sum(t.share) OVER (ORDER BY t.team_no) AS cum_hi
  FROM d_team_raw t JOIN d_territory tr ON tr.territory_id = t.territory_id
)
SELECT c.*, 'USR-' || pad(team_no + 1, 5) AS manager_id,
       CAST(floor(p_accounts() * cum_lo) AS BIGINT) + 1 AS acc_lo,
       CAST(floor(p_accounts() * cum_hi) AS BIGINT) AS acc_hi
FROM c;

INSERT INTO territories
SELECT territory_id, name, NULL, 'Region', name, NULL, 'demo', territory_id, NULL FROM d_territory;

INSERT INTO teams SELECT team_id, team_name, NULL, manager_id, 'demo', team_id, NULL FROM d_team;

-- Reps 0..11 are tenured and never leave (two per team: the hand-over pool); rep 12 is the
-- documented inactive owner (D8). Others: 25% tenured, the rest hired across the 3 years.
CREATE OR REPLACE TEMP TABLE d_rep AS
WITH base AS (
  SELECT r, r <= 12 OR rnd(r, 'tenured') < 0.25 AS tenured
  FROM range(0, p_reps()) t(r)
), teamed AS (
  SELECT b.*, CASE WHEN b.r < 12 THEN b.r % 6 + 1 ELSE t.team_no END AS team_no
  FROM base b ASOF JOIN d_team t ON rnd(b.r, 'team') >= t.cum_lo
), hired AS (
  SELECT *, CASE WHEN r = 12 THEN p_d0() - 200
                 WHEN tenured THEN p_d0() - 90 - CAST(floor(rnd(r, 'hire') * 1000) AS INTEGER)
                 ELSE p_d0() + CAST(floor(rnd(r, 'hire') * (p_days() - 60)) AS INTEGER) END AS hire_date
  FROM teamed
), termed AS (
  SELECT *, greatest(hire_date, p_d0()) + 150 + CAST(floor(rnd(r, 'termd') * 600) AS INTEGER) AS term_try
  FROM hired
)
SELECT x.r, 'USR-' || pad(100 + x.r, 5) AS user_id, x.team_no, t.team_id, t.team_name,
       t.territory_id, t.region, t.kind, t.manager_id, x.tenured, x.hire_date,
       CASE WHEN x.r = 12 THEN p_end() - 30
            WHEN x.r > 12 AND rnd(x.r, 'term') < 0.12 AND x.term_try <= p_end() - 20
            THEN x.term_try END AS termination_date,
       CASE WHEN t.kind = 'ent' THEN 6 ELSE 3 END AS ramp_months,
       0.8 + 0.4 * rnd(x.r, 'skill') AS skill,
       perm(x.r + 16, 4096, 1031) AS name_idx
FROM termed x JOIN d_team t ON t.team_no = x.team_no;

-- Owner draw: weight = days employed inside the window (enterprise reps run fewer, bigger deals).
CREATE OR REPLACE TEMP TABLE d_rep_cum AS
WITH w AS (
  SELECT r, CAST(least(coalesce(termination_date, p_end()), p_end())
                 - greatest(hire_date, p_d0()) + 1 AS BIGINT)
            * CASE WHEN kind = 'ent' THEN 45 ELSE 100 END
            * (85 + CAST(floor(rnd(r, 'weight') * 30) AS BIGINT)) AS weight
  FROM d_rep
)
SELECT r, (sum(weight) OVER (ORDER BY r) - weight) / sum(weight) OVER () AS lo FROM w;

-- Reps still employed at end_date, per team ordered by hire date (new owners, hand-overs).
CREATE OR REPLACE TEMP TABLE d_pool AS
SELECT team_no, row_number() OVER (PARTITION BY team_no ORDER BY hire_date, r) - 1 AS k,
       user_id, hire_date, r
FROM d_rep WHERE termination_date IS NULL;
CREATE OR REPLACE TEMP TABLE d_pool_cnt AS
SELECT team_no, hire_date, max(k) + 1 AS cnt FROM d_pool GROUP BY team_no, hire_date;
CREATE OR REPLACE TEMP TABLE d_pool_tot AS
SELECT team_no, count(*) AS cnt FROM d_pool GROUP BY team_no;

INSERT INTO users
WITH staff AS (
  SELECT 'USR-00001' AS user_id, 1 AS k, 'VP of Sales' AS title, 'VP Sales' AS role_name,
         NULL AS manager_id, NULL AS team_id, p_d0() - 900 AS hire_date
  UNION ALL
  SELECT manager_id, team_no + 1, 'Sales Manager, ' || team_name, 'Sales Manager', 'USR-00001',
         team_id, p_d0() - 300 - CAST(team_no * 97 AS INTEGER) FROM d_team
  UNION ALL SELECT 'USR-00008', 8, 'Director, Revenue Operations', 'Revenue Operations',
                   'USR-00001', NULL, p_d0() - 400
  UNION ALL SELECT 'USR-00009', 9, 'Sales Operations Analyst', 'Revenue Operations',
                   'USR-00008', NULL, p_d0() - 200
  UNION ALL SELECT 'USR-00010', 10, 'Sales Operations Analyst', 'Revenue Operations',
                   'USR-00008', NULL, p_d0() + 300
), everyone AS (
  SELECT user_id, first_of(perm(k, 4096, 1031)) || ' ' || last_of(perm(k, 4096, 1031)) AS full_name,
         email_of(perm(k, 4096, 1031), 'brightwave.io') AS email, title, role_name, manager_id,
         team_id, TRUE AS is_active, TRUE AS is_human, FALSE AS quota, hire_date,
         NULL::DATE AS termination_date, NULL::INTEGER AS ramp_months
  FROM staff
  UNION ALL
  SELECT 'USR-00011', 'Integration User', 'integration@brightwave.io', 'System Integration',
         'Integration', 'USR-00008', NULL, TRUE, FALSE, FALSE, p_d0() - 700, NULL, NULL
  UNION ALL
  SELECT user_id, first_of(name_idx) || ' ' || last_of(name_idx),
         lower(first_of(name_idx)) || '.' || lower(last_of(name_idx))
           || CASE WHEN r + 16 >= 4096 THEN CAST((r + 16) // 4096 AS VARCHAR) ELSE '' END
           || '@brightwave.io',
         CASE WHEN kind = 'ent' THEN 'Enterprise Account Executive'
              WHEN tenured THEN 'Senior Account Executive' ELSE 'Account Executive' END,
         'Account Executive', manager_id, team_id, termination_date IS NULL, TRUE, TRUE,
         hire_date, termination_date, ramp_months
  FROM d_rep
)
SELECT user_id, full_name, email, title, role_name, manager_id, team_id, is_active, is_human,
       quota, hire_date, termination_date, ramp_months,
       CAST(hire_date AS TIMESTAMP) + INTERVAL 9 HOUR,
       CASE WHEN termination_date IS NOT NULL THEN CAST(termination_date AS TIMESTAMP) + INTERVAL 17 HOUR
            ELSE CAST(p_end() - CAST(floor(rnd(user_id, 'login') * 3) AS INTEGER) AS TIMESTAMP)
                 + INTERVAL 8 HOUR END,
       'demo', user_id, NULL
FROM everyone;

INSERT INTO territory_user_assignments
SELECT territory_id, user_id, 'Account Executive', hire_date, termination_date,
       termination_date IS NULL FROM d_rep
UNION ALL
SELECT territory_id, manager_id, 'Sales Manager', p_d0() - 300 - CAST(team_no * 97 AS INTEGER),
       NULL, TRUE FROM d_team;

INSERT INTO user_team_history
SELECT user_id, team_id, hire_date, termination_date FROM d_rep
UNION ALL
SELECT manager_id, team_id, p_d0() - 300 - CAST(team_no * 97 AS INTEGER), NULL FROM d_team;
