-- Activities: 1-3 per deal over its active span (the last one sets last_activity_date), and a
-- first touch for three leads in four (speed-to-lead).
INSERT INTO activities
WITH a AS (
  SELECT o.i, o.opp_id, o.a, o.no_account, o.account_id, o.r0, o.change_ts, o.successor, r.k,
         act_ts(o.i, r.k, o.n_act, o.created_ts, o.act_end) AS ts,
         rnd(o.i * 4 + r.k, 'act_type') AS u
  FROM d_opp o, range(0, 3) r(k) WHERE r.k < o.n_act
), t AS (
  SELECT *, CASE WHEN u < 0.35 THEN 'call' WHEN u < 0.70 THEN 'email' WHEN u < 0.85 THEN 'meeting'
                 WHEN u < 0.95 THEN 'task' ELSE 'note' END AS kind,
         rnd(i * 4 + k, 'act_detail') AS v
  FROM a
)
SELECT 'ACT-O' || pad(i, 8) || '-' || k, kind,
  CASE kind WHEN 'task' THEN pick(['Follow-up', 'Send contract', 'Prepare demo'], v)
            ELSE upper(kind[1]) || kind[2:] END,
  CASE WHEN kind IN ('call', 'email') THEN (CASE WHEN v < 0.85 THEN 'outbound' ELSE 'inbound' END)
  END,
  'Completed', TRUE, kind = 'email' AND v < 0.3,
  CASE WHEN change_ts IS NOT NULL AND ts >= change_ts THEN successor ELSE r0 END,
  CASE WHEN NOT no_account THEN account_id END,
  CASE WHEN NOT no_account THEN 'CON-' || pad(2 * a - 1 + k % 2, 9) END, NULL, opp_id, ts,
  CASE WHEN kind = 'task' THEN CAST(ts AS DATE) END, ts,
  CASE kind WHEN 'call' THEN 60 + CAST(floor(v * 1740) AS INTEGER)
            WHEN 'meeting' THEN (CASE WHEN v < 0.5 THEN 1800 ELSE 3600 END) END,
  CASE kind WHEN 'call' THEN pick(['connected', 'connected', 'no_answer', 'left_voicemail'], v)
            WHEN 'meeting' THEN (CASE WHEN v < 0.85 THEN 'HELD' WHEN v < 0.93 THEN 'NO_SHOW'
                                      ELSE 'RESCHEDULED' END) END,
  FALSE, 'demo', 'ACT-O' || pad(i, 8) || '-' || k, NULL
FROM t
UNION ALL
SELECT 'ACT-L' || pad(num, 9), kind, upper(kind[1]) || kind[2:], 'outbound', 'Completed', TRUE, FALSE,
  owner_id, NULL, NULL, lead_id, NULL, ts, NULL, ts,
  CASE WHEN kind = 'call' THEN 30 + CAST(floor(rnd(num, 'touch_len') * 600) AS INTEGER) END,
  CASE WHEN kind = 'call' THEN pick(['connected', 'no_answer', 'left_voicemail'],
                                    rnd(num, 'touch_len')) END,
  FALSE, 'demo', 'ACT-L' || pad(num, 9), NULL
FROM (
  SELECT CAST(substr(lead_id, 6) AS BIGINT) AS num, lead_id, owner_id,
    CASE WHEN rnd(lead_id, 'touch_kind') < 0.6 THEN 'call' ELSE 'email' END AS kind,
    -- response time in minutes: lognormal-ish, median about an hour, long tail to days
    created_at + to_seconds(CAST(60 * exp(rnd(lead_id, 'touch') * 8.5) AS BIGINT)) AS ts
  FROM leads WHERE CAST(substr(lead_id, 6) AS BIGINT) % 4 <> 0
) WHERE ts <= p_end_ts();
