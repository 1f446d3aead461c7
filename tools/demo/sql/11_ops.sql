-- Sales-ops requests with SLAs (breaches fall as the team matures; some automated, a few stuck)
-- and the marketing <-> CRM <-> ERP sync log (steady error rate plus a two-day incident).
INSERT INTO ops_requests
WITH b AS (
  SELECT t.j, d.user_id AS requester, d.hire_date, d.termination_date
  FROM range(1, greatest(300, p_n() // 20) + 1) t(j)
  ASOF JOIN d_rep_cum c ON rnd(t.j, 'ops_rep') >= c.lo
  JOIN d_rep d ON d.r = c.r
), r AS (
  SELECT j, requester,
    CAST(greatest(hire_date, p_d0()) + CAST(floor(rnd(j, 'ops_day')
         * (least(coalesce(termination_date, p_end()), p_end()) - greatest(hire_date, p_d0()) + 1))
         AS INTEGER) AS TIMESTAMP)
      + to_minutes(CAST(480 + floor(rnd(j, 'ops_min') * 600) AS BIGINT)) AS created_at,
    pick(['territory_change', 'quota_adjustment', 'report_request', 'report_request', 'data_fix',
          'data_fix', 'user_access', 'deal_desk', 'deal_desk'], rnd(j, 'ops_type')) AS request_type,
    CASE WHEN rnd(j, 'priority') < 0.1 THEN 'P1' WHEN rnd(j, 'priority') < 0.5 THEN 'P2' ELSE 'P3' END
      AS priority
  FROM b
), s AS (
  SELECT *, CASE priority WHEN 'P1' THEN 8 WHEN 'P2' THEN 24 ELSE 72 END AS sla_hours,
    request_type IN ('user_access', 'report_request', 'data_fix') AND rnd(j, 'automated') < 0.55
      AS automated,
    j % 250 = 17 AS stuck
  FROM r
), h AS (
  SELECT *,
    CASE WHEN automated THEN (2 + 40 * rnd(j, 'resolve')) / 60.0
         ELSE sla_hours * 0.45 * exp(0.6 * nrm(j, 'resolve')) * (1.2 - 0.15 * years_in(created_at))
    END AS res_hours
  FROM s
), t AS (
  SELECT *, created_at + to_seconds(CAST(res_hours * 3600 AS BIGINT)) AS resolved,
    created_at + to_seconds(CAST(least(res_hours, sla_hours * 0.1 * (0.5 + rnd(j, 'respond')))
                                 * 3600 AS BIGINT)) AS responded
  FROM h
)
SELECT 'REQ-' || pad(j, 8), request_type, requester,
  CASE WHEN automated THEN 'USR-00011'
       WHEN created_at < CAST(p_d0() + 300 AS TIMESTAMP)
       THEN pick(['USR-00008', 'USR-00009', 'USR-00009'], rnd(j, 'assignee'))
       ELSE pick(['USR-00008', 'USR-00009', 'USR-00009', 'USR-00010', 'USR-00010'],
                 rnd(j, 'assignee')) END,
  priority, created_at, CASE WHEN responded <= p_end_ts() THEN responded END,
  CASE WHEN resolved <= p_end_ts() AND NOT (stuck AND NOT automated) THEN resolved END,
  CASE WHEN stuck AND NOT automated THEN 'On Hold' WHEN resolved <= p_end_ts() THEN 'Closed'
       WHEN responded <= p_end_ts() THEN 'In Progress' ELSE 'New' END,
  created_at + to_hours(sla_hours), sla_hours,
  CASE WHEN automated THEN 'automated' ELSE 'manual' END, 'jira', 'REQ-' || pad(j, 8)
FROM t;

INSERT INTO integration_sync_log
WITH src AS (
  SELECT 'L' || substr(lead_id, 6) AS key, CAST(substr(lead_id, 6) AS BIGINT) AS num,
    'hubspot' AS source_system, 'salesforce' AS target_system, 'lead' AS object_type,
    lead_id AS record_id,
    created_at + to_seconds(CAST(120 + 480 * rnd(lead_id, 'sync') AS BIGINT)) AS started_at
  FROM leads WHERE created_at > p_end_ts() - INTERVAL 180 DAY
  UNION ALL
  SELECT 'O' || substr(opportunity_id, 5), CAST(substr(opportunity_id, 5) AS BIGINT), 'salesforce',
    'netsuite', 'opportunity', opportunity_id,
    CAST(close_date AS TIMESTAMP) + INTERVAL 18 HOUR
      + to_seconds(CAST(3600 * rnd(opportunity_id, 'sync') AS BIGINT))
  FROM opportunities WHERE stage_name = 'Closed Won' AND close_date > p_end() - 180
), s AS (
  SELECT *, num % 80 = 13
    OR (CAST(started_at AS DATE) BETWEEN p_end() - 41 AND p_end() - 40
        AND rnd(key, 'incident') < 0.3) AS failed
  FROM src WHERE started_at <= p_end_ts()
)
SELECT 'SYNC-' || key, source_system, target_system, object_type, record_id, started_at,
  started_at + to_milliseconds(CAST(CASE WHEN failed THEN 200 + 800 * rnd(key, 'took')
                                         ELSE 500 + 9500 * rnd(key, 'took') END AS BIGINT)),
  CASE WHEN failed THEN 'error' ELSE 'success' END,
  CASE WHEN failed THEN pick(['API rate limit exceeded (429)', 'Required field missing: Company',
                              'Duplicate record detected', 'Owner not found in target system',
                              'Request timed out after 30s'], rnd(key, 'error')) END
FROM s
UNION ALL
-- four in five failed syncs succeed when retried 15 minutes later
SELECT 'SYNC-' || key || '-R', source_system, target_system, object_type, record_id,
  started_at + INTERVAL 15 MINUTE, started_at + INTERVAL 15 MINUTE + INTERVAL 2 SECOND, 'success',
  NULL
FROM s WHERE failed AND num % 5 <> 0 AND started_at + INTERVAL 16 MINUTE <= p_end_ts();
