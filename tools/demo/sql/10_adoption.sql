-- Sales tools: licenses per fiscal year, assignments per user, and a year of weekly usage.
-- Effect E2: in the under-adopting team only 40% of Gong users ever do more than log in
-- (95% elsewhere), so its Gong adoption rate sits far below the other teams'.
CREATE OR REPLACE TEMP TABLE d_assign AS
SELECT u.user_id, u.team_id, u.is_human, t.tool_no, t.tool_name,
  CASE WHEN u.role_name = 'Integration' THEN 'Integration' ELSE t.license_type END AS license_type,
  greatest(u.hire_date, CASE t.tool_no WHEN 1 THEN p_d0() - 730 WHEN 2 THEN p_d0() - 365
                        ELSE CAST(date_trunc('month', p_d0() + 540) AS DATE) END) AS assigned_from,
  u.termination_date AS assigned_to
FROM users u JOIN d_tool t
  ON t.tool_no = 1 OR (t.tool_no = 2 AND u.role_name = 'Account Executive')
  OR (t.tool_no = 3 AND u.role_name IN ('Account Executive', 'Sales Manager', 'VP Sales'));

INSERT INTO license_assignments
SELECT tool_name, user_id, license_type, assigned_from, assigned_to FROM d_assign;

INSERT INTO tool_licenses
WITH fy AS (
  SELECT CAST(r.s AS DATE) AS s, CAST(r.s + INTERVAL 12 MONTH - INTERVAL 1 DAY AS DATE) AS e
  FROM range(CAST(fiscal_year_start(p_d0(), p_fy()) AS TIMESTAMP),
             CAST(p_end() AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 12 MONTH) r(s)
)
SELECT t.tool_name, t.license_type, fy.s, fy.e, CAST(ceil(1.1 * count(*)) AS INTEGER) + 2,
       t.cost_per_seat
FROM d_tool t JOIN d_assign a ON a.tool_no = t.tool_no
JOIN fy ON a.assigned_from <= fy.e AND (a.assigned_to IS NULL OR a.assigned_to >= fy.s)
GROUP BY ALL;

INSERT INTO usage_events
WITH wk AS (
  SELECT CAST(r.w AS DATE) AS w
  FROM range(CAST(date_trunc('week', p_end()) AS TIMESTAMP) - INTERVAL 51 WEEK,
             CAST(date_trunc('week', p_end()) AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 7 DAY) r(w)
), uw AS (
  SELECT a.*, wk.w, a.user_id || '-' || a.tool_no || '-' || strftime(wk.w, '%Y%m%d') AS wkey,
    rnd(a.user_id || '-' || a.tool_no, 'adopter')
      < CASE WHEN a.tool_name = p_under_tool()
                  AND a.team_id = (SELECT team_id FROM d_team WHERE team_name = p_under_team())
             THEN 0.40 ELSE 0.95 END AS adopter
  FROM d_assign a JOIN wk ON a.assigned_from <= wk.w + 4
   AND (a.assigned_to IS NULL OR a.assigned_to >= wk.w)
), n AS (
  SELECT *,
    CASE WHEN NOT is_human THEN 0 WHEN adopter THEN 1 + CAST(floor(rnd(wkey, 'logins') * 3) AS INTEGER)
         WHEN rnd(wkey, 'logins') < 0.6 THEN 1 ELSE 0 END AS n_login,
    CASE WHEN NOT is_human THEN 5 WHEN NOT adopter OR rnd(wkey, 'away') < 0.08 THEN 0
         WHEN tool_no = 1 THEN 2 + CAST(floor(rnd(wkey, 'events') * 4) AS INTEGER)
         ELSE 1 + CAST(floor(rnd(wkey, 'events') * 3) AS INTEGER) END AS n_event
  FROM uw
), e AS (
  SELECT n.*, r.s, n.wkey || '-' || r.s AS ekey,
    CAST(n.w + CAST(floor(rnd(n.wkey || '-' || r.s, 'day') * 5) AS INTEGER) AS TIMESTAMP)
      + to_minutes(CAST(480 + floor(rnd(n.wkey || '-' || r.s, 'minute') * 600) AS BIGINT)) AS ts,
    CASE WHEN r.s < n.n_login THEN 'login'
         WHEN n.tool_no = 1 AND NOT n.is_human THEN 'record_update'
         WHEN n.tool_no = 1 THEN pick(['record_create', 'record_update', 'record_update',
                                       'activity_logged', 'report_run'],
                                      rnd(n.wkey || '-' || r.s, 'etype'))
         WHEN n.tool_no = 2 THEN pick(['email_sent', 'email_sent', 'activity_logged'],
                                      rnd(n.wkey || '-' || r.s, 'etype'))
         ELSE pick(['activity_logged', 'report_run'], rnd(n.wkey || '-' || r.s, 'etype')) END
      AS event_type
  FROM n, range(0, 8) r(s) WHERE r.s < n.n_login + n.n_event
)
SELECT 'EV-' || ekey, tool_name, user_id, ts, event_type,
  CASE event_type WHEN 'login' THEN NULL WHEN 'activity_logged' THEN 'Task'
       WHEN 'report_run' THEN 'Report' WHEN 'email_sent' THEN 'Email'
       ELSE pick(['Opportunity', 'Account', 'Contact'], rnd(ekey, 'object')) END,
  NULL
FROM e
WHERE ts <= p_end_ts() AND CAST(ts AS DATE) >= assigned_from
  AND (assigned_to IS NULL OR CAST(ts AS DATE) <= assigned_to);
