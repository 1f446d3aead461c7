-- Line items first (amount = their sum), then the per-deal values the history needs: close-date
-- estimates before each push, opening amount, owner hand-over, activity span, lead/campaign.
CREATE OR REPLACE TEMP TABLE d_line AS
WITH o AS (
  SELECT c.i, c.deal_type, a.segment, a.currency, abs(c.target_usd) * fx_base(a.currency) AS target,
    CASE WHEN deal_type = 'contraction' THEN -1 ELSE 1 END AS sign,
    CASE WHEN deal_type = 'contraction' THEN 1
         WHEN deal_type IN ('expansion', 'renewal') THEN 1 + CAST(rnd(c.i, 'nl') < 0.35 AS INTEGER)
         WHEN rnd(c.i, 'nl') < 0.45 THEN 1 WHEN rnd(c.i, 'nl') < 0.80 THEN 2 ELSE 3 END AS n_lines,
    CASE WHEN deal_type = 'expansion' THEN pick([2, 2, 3, 3, 4, 1], rnd(c.i, 'p1'))
         WHEN deal_type = 'contraction' THEN pick([1, 2], rnd(c.i, 'p1'))
         WHEN rnd(c.i, 'p1') < 0.85 THEN 1 ELSE 4 END AS p1,
    pick([2, 3, 5, 4], rnd(c.i, 'p2')) AS p2_raw,
    CASE a.segment WHEN 'SMB' THEN pick([0.0, 0.0, 0.05, 0.10], rnd(c.i, 'disc'))
                   WHEN 'Mid-Market' THEN pick([0.0, 0.05, 0.10, 0.15], rnd(c.i, 'disc'))
                   ELSE pick([0.05, 0.10, 0.15, 0.20, 0.25], rnd(c.i, 'disc')) END AS disc,
    0.62 + 0.25 * rnd(c.i, 's1') AS s1_two, 0.55 + 0.20 * rnd(c.i, 's1') AS s1_three,
    0.08 + 0.07 * rnd(c.i, 's3') AS s3
  FROM d_opp_c c JOIN d_opp_a a ON a.i = c.i
  WHERE NOT (c.open_at_e AND a.plain AND c.i % 50 = 7)  -- D1: open deals without amount or lines
), l AS (
  SELECT o.*, r.k,
    CASE r.k WHEN 1 THEN o.p1 WHEN 2 THEN (CASE WHEN o.p2_raw = o.p1 THEN 5 ELSE o.p2_raw END)
             ELSE pick([6, 6, 7], rnd(o.i, 'p3')) END AS product_no,
    CASE WHEN o.n_lines = 1 THEN 1.0
         WHEN o.n_lines = 2 THEN (CASE r.k WHEN 1 THEN o.s1_two ELSE 1 - o.s1_two END)
         ELSE (CASE r.k WHEN 1 THEN o.s1_three WHEN 2 THEN 1 - o.s1_three - o.s3 ELSE o.s3 END)
    END AS share
  FROM o, range(1, 4) r(k) WHERE r.k <= o.n_lines
)
SELECT l.i, l.k, l.product_no, pr.price, CAST(l.disc AS DECIMAL(7, 4)) AS disc,
       l.sign * greatest(1, round(l.share * l.target / (pr.price * (1 - l.disc)))) AS qty,
       CAST(round(l.sign * greatest(1, round(l.share * l.target / (pr.price * (1 - l.disc))))
                  * pr.price * (1 - CAST(l.disc AS DECIMAL(7, 4))), 2) AS DECIMAL(18, 2)) AS total,
       p.is_recurring
FROM l JOIN d_price pr ON pr.product_no = l.product_no AND pr.currency = l.currency
JOIN d_product p ON p.product_no = l.product_no;

CREATE OR REPLACE TEMP TABLE d_opp_amt AS
SELECT i, sum(total) AS amount, coalesce(sum(total) FILTER (WHERE is_recurring), 0) AS recurring,
       max_by(product_no, CAST(round(total * 100) AS BIGINT) * 10 - k) AS primary_no
FROM d_line GROUP BY i;

CREATE OR REPLACE TEMP TABLE d_opp AS
WITH t AS (
  SELECT c.*, o.* EXCLUDE (i), m.amount AS line_amount, m.recurring AS recurring_amount,
    m.primary_no, 'OPP-' || pad(c.i, 8) AS opp_id, r.user_id AS r0, r.termination_date,
    r.hire_date, tm.territory_id, ac.account_id, ac.name AS acct_name,
    tpl_id(o.e, o.m, CAST(c.won AS INTEGER), o.skip, o.reg, CAST(c.reopen AS INTEGER), o.pushes, 0)
      AS tpl0,
    CASE WHEN c.pd THEN add_days(c.close_ts, -1.0 / 86400) ELSE p_end_ts() END AS cut_ts,
    o.plain AND c.open_at_e AND c.i % 50 = 7 AS no_amount,
    o.plain AND NOT c.open_at_e AND c.i % 1000 = 123 AS won_flip,
    o.plain AND c.won AND NOT c.open_at_e AND c.i % 2000 = 777
      AND c.deal_type <> 'contraction' AS zero_won,
    o.plain AND NOT c.open_at_e AND c.i % 1500 = 321 AS early_close,
    o.plain AND NOT c.open_at_e AND NOT c.won AND c.i % 50 = 29 AS no_reason,
    o.plain AND r.termination_date IS NOT NULL AND o.r <> 12
      AND CASE WHEN c.open_at_e THEN p_end_ts() ELSE c.close_ts END
          > CAST(r.termination_date + 1 AS TIMESTAMP) + INTERVAL 10 HOUR AS term_change
  FROM d_opp_c c JOIN d_opp_a o ON o.i = c.i JOIN d_rep r ON r.r = o.r
  JOIN d_team tm ON tm.team_no = o.team_no JOIN d_acct ac ON ac.a = o.a
  LEFT JOIN d_opp_amt m ON m.i = c.i
), g AS (
  SELECT t.*,
    CASE WHEN p.pu1_c1 IS NOT NULL THEN add_days(t.created_ts,
      dot4(p.pu1_c1, p.pu1_c2, p.pu1_c3, p.pu1_c4, t.d1, t.d2, t.d3, t.d4)) END AS push1_ts,
    CASE WHEN p.pu2_c1 IS NOT NULL THEN add_days(t.created_ts,
      dot4(p.pu2_c1, p.pu2_c2, p.pu2_c3, p.pu2_c4, t.d1, t.d2, t.d3, t.d4)) END AS push2_ts,
    CASE WHEN p.pr_c1 IS NOT NULL THEN add_days(t.created_ts,
      dot4(p.pr_c1, p.pr_c2, p.pr_c3, p.pr_c4, t.d1, t.d2, t.d3, t.d4)) END AS prop_ts,
    CAST(t.close_ts AS DATE) AS est_final,
    CASE WHEN t.term_change THEN CAST(t.termination_date + 1 AS TIMESTAMP) + INTERVAL 10 HOUR
         WHEN t.plain AND t.i % 50 = 17
         THEN add_days(t.created_ts, 0.4 * days_between(t.created_ts, least(t.close_ts, t.cut_ts)))
    END AS change_ts
  FROM t JOIN d_tpl p ON p.tpl = t.tpl0
), h AS (
  SELECT g.*,
    amt_raw AND prop_ts IS NOT NULL AND prop_ts <= cut_ts AS amt_eff,
    CASE WHEN pushes = 2 THEN least(CAST(push2_ts AS DATE) + 2
                                    + CAST(floor(rnd(i, 'slip1') * 12) AS INTEGER), est_final - 1)
    END AS est1
  FROM g
), s AS (
  SELECT h.*, CASE
      WHEN pushes = 0 AND rnd(i, 'pullin') < 0.2
        THEN est_final + 5 + CAST(floor(rnd(i, 'pullin_days') * 25) AS INTEGER)
      WHEN pushes = 0 THEN est_final
      ELSE least(CAST(push1_ts AS DATE) + 2 + CAST(floor(rnd(i, 'slip0') * 12) AS INTEGER),
                 CASE WHEN pushes = 2 THEN est1 ELSE est_final END - 1) END AS est0,
    tpl0 + 384 * CAST(amt_eff AS INTEGER) AS tpl,
    CASE WHEN amt_eff THEN CAST(round(line_amount * (0.6 + 0.8 * rnd(i, 'a0')) / 100) * 100
                                AS DECIMAL(18, 2))
         ELSE line_amount END AS a0,
    CAST(created_ts AS DATE) - 1 - CAST(i % 7 AS INTEGER) AS early_date,
    -- hand-over target: a same-team rep still employed at end_date, hired 30+ days earlier
    CAST(change_ts AS DATE) - 30 AS ref_date,
    act_n(i) AS n_act,
    CASE WHEN open_at_e AND i % 6 = 1
         THEN add_days(created_ts, 0.35 * days_between(created_ts, cut_ts))
         ELSE least(close_ts, cut_ts) END AS act_end,
    deal_type = 'new_business' AND lead_source <> 'Outbound' AS has_lead,
    greatest(add_days(created_ts, -lead_lag_days(i)), CAST(hire_date AS TIMESTAMP)) AS lead_ts
  FROM h
), succ AS (
  SELECT s.*, CAST(floor(rnd(s.i, 'successor') * pc.cnt) AS BIGINT) AS k1,
         (CAST(floor(rnd(s.i, 'successor') * pc.cnt) AS BIGINT) + 1) % pc.cnt AS k2
  FROM s ASOF LEFT JOIN d_pool_cnt pc ON pc.team_no = s.team_no AND s.ref_date >= pc.hire_date
)
SELECT x.i, x.opp_id, x.a, x.account_id, x.acct_name, x.no_account, x.team_no, x.territory_id,
  x.r0, x.change_ts, x.currency, x.created_ts, x.close_ts, x.cut_ts, x.d1, x.d2, x.d3, x.d4,
  x.tpl, x.pushes, x.est0, x.est1, x.est_final, x.a0, x.line_amount, x.recurring_amount,
  x.primary_no, x.deal_type, x.lead_source, x.term_months, x.no_amount, x.zero_won, x.early_close,
  x.early_date, x.won_flip, x.no_reason, x.n_act, x.act_end, x.has_lead, x.lead_ts,
  CASE WHEN x.change_ts IS NULL THEN NULL WHEN p1.user_id = x.r0 THEN p2.user_id ELSE p1.user_id END
    AS successor,
  coalesce(CASE WHEN x.change_ts IS NULL THEN NULL WHEN p1.user_id = x.r0 THEN p2.user_id
                ELSE p1.user_id END, x.r0) AS owner_id,
  act_ts(x.i, x.n_act - 1, x.n_act, x.created_ts, x.act_end) AS last_act_ts,
  CASE WHEN x.has_lead THEN cmp_of(x.i, x.lead_source, x.lead_ts) END AS campaign_id
FROM succ x
LEFT JOIN d_pool p1 ON p1.team_no = x.team_no AND p1.k = x.k1
LEFT JOIN d_pool p2 ON p2.team_no = x.team_no AND p2.k = x.k2;

-- Intermediate plans are no longer needed; free their memory before the big inserts.
DROP TABLE d_opp_a;
DROP TABLE d_opp_c;
DROP TABLE d_opp_amt;
