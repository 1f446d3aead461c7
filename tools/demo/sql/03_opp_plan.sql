-- Every deal's plan: owner, account, creation time, stage durations, journey flags, outcome and
-- deal type. Outcomes are decided in three passes so deal types stay consistent per account:
-- (1) the first decided new-business win makes the account a customer; (2) later deals are
-- expansion / renewal / contraction and the first lost renewal churns it; (3) deals created after
-- churn are new business again (win-back). 20% of accounts are customers already at data_start
-- (legacy installed base). Anchor deals 1..2K guarantee the current quarter has wins to date
-- (1..K) and open pipeline (K+1..2K); defect rules never touch anchors.
CREATE OR REPLACE TEMP TABLE d_opp_a AS
WITH base AS (
  SELECT i, i <= p_anchors() AS anchor_won,
         i > p_anchors() AND i <= 2 * p_anchors() AS anchor_open
  FROM range(1, p_n() + 1) t(i)
), owned AS (
  SELECT b.*, CASE WHEN b.i <= 2 * p_anchors()
                   THEN CAST(floor(rnd(b.i, 'anchor_rep') * 12) AS BIGINT) ELSE c.r END AS r
  FROM base b ASOF JOIN d_rep_cum c ON rnd(b.i, 'rep') >= c.lo
), placed AS (
  SELECT o.*, p.team_no, p.region, p.skill, greatest(p.hire_date, p_d0()) AS ws,
         least(coalesce(p.termination_date, p_end()), p_end()) AS we,
         t.acc_lo + CAST(floor(rnd(o.i, 'account') * (t.acc_hi - t.acc_lo + 1)) AS BIGINT) AS a
  FROM owned o JOIN d_rep p ON p.r = o.r JOIN d_team t ON t.team_no = p.team_no
), flagged AS (
  SELECT x.* EXCLUDE (region, skill), ac.segment, ac.currency, x.region = p_slow_region() AS slow,
    CASE ac.segment WHEN 'SMB' THEN [6.0, 14.0, 12.0, 10.0]
                    WHEN 'Mid-Market' THEN [10.0, 25.0, 22.0, 18.0]
                    ELSE [18.0, 45.0, 45.0, 40.0] END AS base,
    CASE WHEN rnd(x.i, 'entry') < 0.75 THEN 1 ELSE 2 END AS e,
    CASE WHEN rnd(x.i, 'lostat') < 0.25 THEN 1 WHEN rnd(x.i, 'lostat') < 0.60 THEN 2
         WHEN rnd(x.i, 'lostat') < 0.85 THEN 3 ELSE 4 END AS m_raw,
    CAST(rnd(x.i, 'skip') < 0.05 AS INTEGER) AS skip,
    CAST(rnd(x.i, 'reg') < 0.08 AS INTEGER) AS reg,
    CASE WHEN rnd(x.i, 'push') < 0.45 THEN 0 WHEN rnd(x.i, 'push') < 0.80 THEN 1 ELSE 2 END AS pushes,
    rnd(x.i, 'amtchg') < 0.30 AS amt_raw,
    rnd(x.i, 'win') AS u_win,
    CASE ac.segment WHEN 'SMB' THEN 0.22 WHEN 'Mid-Market' THEN 0.19 ELSE 0.16 END * x.skill AS p_new,
    x.i > 2 * p_anchors() AS plain
  FROM placed x JOIN d_acct ac ON ac.a = x.a
), timed AS (
  SELECT f.* EXCLUDE (base, m_raw, slow), greatest(f.m_raw, f.e) AS m,
    f.base[1] * least(4.0, 0.35 + 0.65 * -ln(1.0 - rnd(f.i, 'd1'))) AS d1,
    f.base[2] * least(4.0, 0.35 + 0.65 * -ln(1.0 - rnd(f.i, 'd2'))) AS d2,
    f.base[3] * least(4.0, 0.35 + 0.65 * -ln(1.0 - rnd(f.i, 'd3'))) AS d3,
    -- Effect E1: Negotiation takes 2.5x as long in the slow region.
    f.base[4] * least(4.0, 0.35 + 0.65 * -ln(1.0 - rnd(f.i, 'd4')))
      * CASE WHEN f.slow THEN 2.5 ELSE 1.0 END AS d4
  FROM flagged f
), totals AS (
  SELECT t.*,
    dot4(tw.tot_c1, tw.tot_c2, tw.tot_c3, tw.tot_c4, t.d1, t.d2, t.d3, t.d4) AS tot_won,
    dot4(tl.tot_c1, tl.tot_c2, tl.tot_c3, tl.tot_c4, t.d1, t.d2, t.d3, t.d4) AS tot_lost
  FROM timed t
  JOIN d_tpl tw ON tw.tpl = tpl_id(t.e, t.m, 1, t.skip, t.reg, 0, 0, 0)
  JOIN d_tpl tl ON tl.tpl = tpl_id(t.e, t.m, 0, t.skip, t.reg, 0, 0, 0)
), created AS (
  SELECT *, CASE
      WHEN anchor_won THEN add_days(CAST(p_q0() + CAST(floor(rnd(i, 'anchor_close')
                                    * (p_end() - p_q0() + 1)) AS INTEGER) AS TIMESTAMP)
                                    + INTERVAL 15 HOUR, -tot_won)
      WHEN anchor_open THEN add_days(p_end_ts() - INTERVAL 4 HOUR, -least(0.3 * tot_won, 20.0))
      ELSE CAST(ws - CASE WHEN ws = p_d0() THEN 150 ELSE 0 END
                + CAST(floor(rnd(i, 'cday') * (we - ws + 1 + CASE WHEN ws = p_d0() THEN 150 ELSE 0 END))
                       AS INTEGER) AS TIMESTAMP)
           + to_minutes(CAST(480 + floor(rnd(i, 'cmin') * 600) AS BIGINT)) END AS virtual_ts
  FROM totals
), imported AS (
  -- CRM go-live: a deal begun in the 150 days before data_start and still running then is
  -- imported at data_start with its remaining time (stage durations scaled); one that would
  -- already have closed is redrawn inside the window instead.
  SELECT * REPLACE (d1 * sc AS d1, d2 * sc AS d2, d3 * sc AS d3, d4 * sc AS d4,
                    tot_won * sc AS tot_won, tot_lost * sc AS tot_lost)
  FROM (
    SELECT *, CASE WHEN go_live THEN days_between(start_ts, add_days(virtual_ts, tot_won)) / tot_won
                   ELSE 1.0 END AS sc,
           CASE WHEN go_live THEN start_ts
                WHEN virtual_ts < start_ts
                THEN CAST(ws + CAST(floor(rnd(i, 'cday2') * (we - ws + 1)) AS INTEGER) AS TIMESTAMP)
                     + to_minutes(CAST(480 + floor(rnd(i, 'cmin') * 600) AS BIGINT))
                ELSE virtual_ts END AS created_ts
    FROM (SELECT *, CAST(p_d0() AS TIMESTAMP) + INTERVAL 9 HOUR AS start_ts,
                 virtual_ts < CAST(p_d0() AS TIMESTAMP) + INTERVAL 9 HOUR
                   AND add_days(virtual_ts, tot_won) > CAST(p_d0() + 1 AS TIMESTAMP) AS go_live
          FROM created)
  )
)
SELECT * EXCLUDE (virtual_ts, sc, start_ts, ws, we),
  CASE segment WHEN 'SMB' THEN 9000 WHEN 'Mid-Market' THEN 32000 ELSE 110000 END
    * exp(0.5 * nrm(i, 'amount')) * (1 + 0.12 * years_in(created_ts)) AS a0_usd,
  NOT plain OR u_win < p_new AS won1,
  add_days(created_ts, CASE WHEN NOT plain OR u_win < p_new THEN tot_won ELSE tot_lost END) AS close1_ts,
  plain AND i % 20 = 3 AS pd_rule,
  plain AND i % 400 = 19 AS no_account
FROM imported;

-- A decided win counts only if it really closes: not past end_date and not a stuck past-due deal.
CREATE OR REPLACE TEMP MACRO decided(ts, pd_rule) AS
  ts <= p_end_ts() AND NOT (pd_rule AND CAST(ts AS DATE) BETWEEN p_end() - 90 AND p_end() - 1);

CREATE OR REPLACE TEMP TABLE d_legacy AS
SELECT a, CAST(p_d0() - 30 - CAST(floor(rnd(a, 'legacy_since') * 700) AS INTEGER) AS TIMESTAMP)
            + INTERVAL 12 HOUR AS since_ts,
       CASE segment WHEN 'SMB' THEN 9000 WHEN 'Mid-Market' THEN 32000 ELSE 110000 END
         * exp(0.5 * nrm(a, 'legacy_arr')) AS first_usd
FROM d_acct WHERE rnd(a, 'legacy') < 0.2;

CREATE OR REPLACE TEMP TABLE d_cust AS
SELECT a, min(since_ts) AS since_ts, arg_min(first_usd, (since_ts, i)) AS first_usd
FROM (SELECT a, since_ts, first_usd, 0 AS i FROM d_legacy
      UNION ALL
      SELECT a, close1_ts, a0_usd, i FROM d_opp_a
      WHERE won1 AND NOT no_account AND decided(close1_ts, pd_rule))
GROUP BY a;

CREATE OR REPLACE TEMP TABLE d_opp_b AS
WITH t AS (
  SELECT o.i, o.a, o.plain, o.no_account, o.pd_rule, o.won1, o.u_win, o.created_ts, o.tot_won,
    o.tot_lost, c.since_ts IS NOT NULL AND o.created_ts > c.since_ts AS existing,
    CASE WHEN rnd(o.i, 'type') < 0.58 THEN 'expansion' WHEN rnd(o.i, 'type') < 0.93 THEN 'renewal'
         WHEN o.plain THEN 'contraction' ELSE 'expansion' END AS etype
  FROM d_opp_a o LEFT JOIN d_cust c ON c.a = o.a
), u AS (
  SELECT *, CASE WHEN existing AND plain
                 THEN u_win < CASE etype WHEN 'expansion' THEN 0.38 WHEN 'renewal' THEN 0.72
                                         ELSE 0.85 END
                 ELSE won1 END AS won2
  FROM t
)
SELECT i, a, no_account, pd_rule, existing, etype, won2,
       add_days(created_ts, CASE WHEN won2 THEN tot_won ELSE tot_lost END) AS close2_ts
FROM u;

CREATE OR REPLACE TEMP TABLE d_churn AS
SELECT a, min(close2_ts) AS churn_ts
FROM d_opp_b
WHERE existing AND etype = 'renewal' AND NOT won2 AND NOT no_account AND decided(close2_ts, pd_rule)
GROUP BY a;

CREATE OR REPLACE TEMP TABLE d_opp_c AS
WITH t AS (
  SELECT o.i, o.plain, o.pd_rule, o.created_ts, o.tot_won, o.tot_lost, o.a0_usd, o.won1,
    b.etype, b.won2, c.first_usd,
    b.existing AND NOT coalesce(o.created_ts > h.churn_ts, FALSE) AS cust
  FROM d_opp_a o JOIN d_opp_b b ON b.i = o.i
  LEFT JOIN d_cust c ON c.a = o.a LEFT JOIN d_churn h ON h.a = o.a
), u AS (
  SELECT *, CASE WHEN cust THEN etype ELSE 'new_business' END AS deal_type,
         CASE WHEN cust THEN won2 ELSE won1 END AS won
  FROM t
), v AS (
  SELECT *, add_days(created_ts, CASE WHEN won THEN tot_won ELSE tot_lost END) AS close_ts
  FROM u
), w AS (
  SELECT *, pd_rule AND CAST(close_ts AS DATE) BETWEEN p_end() - 90 AND p_end() - 1 AS pd
  FROM v
)
SELECT i, deal_type, won, close_ts, pd, close_ts > p_end_ts() OR pd AS open_at_e,
  plain AND i % 150 = 41 AND won AND NOT (close_ts > p_end_ts() OR pd) AS reopen,
  CASE deal_type WHEN 'new_business' THEN a0_usd
                 WHEN 'expansion' THEN 0.35 * a0_usd
                 WHEN 'renewal' THEN first_usd * (1.03 + 0.07 * rnd(i, 'uplift'))
                 ELSE -(0.10 + 0.20 * rnd(i, 'downgrade')) * first_usd END AS target_usd,
  CASE WHEN deal_type = 'new_business'
       THEN pick(['Inbound', 'Inbound', 'Inbound', 'Inbound', 'Inbound', 'Inbound', 'Outbound',
                  'Outbound', 'Outbound', 'Outbound', 'Outbound', 'Outbound', 'Web', 'Web', 'Web',
                  'Event', 'Event', 'Partner', 'Partner', 'Partner'], rnd(i, 'source'))
       ELSE pick(['Outbound', 'Outbound', 'Outbound', 'Outbound', 'Outbound', 'Outbound',
                  'Outbound', 'Outbound', 'Outbound', 'Outbound', 'Inbound', 'Inbound', 'Inbound',
                  'Inbound', 'Inbound', 'Partner', 'Partner', 'Event', 'Event', 'Web'],
                 rnd(i, 'source')) END AS lead_source,
  CASE WHEN rnd(i, 'term') < 0.75 THEN 12 WHEN rnd(i, 'term') < 0.90 THEN 24 ELSE 36 END
    AS term_months
FROM w;

DROP TABLE d_opp_b;
