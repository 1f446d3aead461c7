-- Subscriptions (ARR), finance ledger (bookings reconciliation), quotas and forecast calls.

-- Each won recurring line of a new-business / expansion / contraction deal is a subscription that
-- auto-renews in term_months terms until the account churns (first lost renewal) ; renewal deals
-- book the renewal but do not add ARR. Contraction lines carry negative MRR.
INSERT INTO subscriptions
WITH w AS (
  SELECT l.i, l.k, l.total, l.qty, o.opp_id, o.account_id, o.currency, o.term_months, x.close_date,
         CAST(h.churn_ts AS DATE) AS churn_date, p.product_id
  FROM d_line l JOIN d_opp o ON o.i = l.i JOIN d_last x ON x.i = l.i
  JOIN d_product p ON p.product_no = l.product_no
  LEFT JOIN d_churn h ON h.a = o.a
  WHERE x.stage = 5 AND l.is_recurring AND NOT o.no_account AND o.deal_type <> 'renewal'
    -- a downgrade closing after the account churned has nothing left to reduce
    AND NOT (o.deal_type = 'contraction' AND coalesce(x.close_date >= CAST(h.churn_ts AS DATE), FALSE))
), t AS (
  SELECT w.*, r.n,
    CAST(w.close_date + to_months(r.n * w.term_months) AS DATE) AS s0,
    CAST(w.close_date + to_months((r.n + 1) * w.term_months) - INTERVAL 1 DAY AS DATE) AS e0,
    coalesce(w.churn_date > w.close_date, FALSE) AS churns
  FROM w, range(0, 4) r(n)
)
SELECT 'SUB-' || pad(i, 8) || '-' || k || '-' || n, account_id, opp_id,
  'OLI-' || pad(i, 8) || '-' || k, product_id, s0,
  CASE WHEN churns AND churn_date <= e0 THEN churn_date - 1 ELSE e0 END,
  CAST(round(total / 12, 4) AS DECIMAL(18, 4)), currency, qty,
  CASE WHEN churns AND churn_date <= e0 THEN 'cancelled' WHEN e0 < p_end() THEN 'renewed'
       ELSE 'active' END,
  CASE WHEN churns AND churn_date <= e0 THEN churn_date END, 'demo',
  'SUB-' || pad(i, 8) || '-' || k || '-' || n
FROM t WHERE s0 <= p_end() AND NOT (churns AND churn_date <= s0);

-- Legacy installed base (customers before data_start, billed outside the CRM): one Core
-- Platform subscription per legacy account, renewing yearly until churn, no opportunity.
INSERT INTO subscriptions
WITH w AS (
  SELECT g.a, ac.account_id, ac.currency, CAST(g.since_ts AS DATE) AS since, pr.price,
         CAST(h.churn_ts AS DATE) AS churn_date,
         greatest(1, round(g.first_usd * fx_base(ac.currency) / pr.price)) AS qty
  FROM d_legacy g JOIN d_acct ac ON ac.a = g.a
  JOIN d_price pr ON pr.product_no = 1 AND pr.currency = ac.currency
  LEFT JOIN d_churn h ON h.a = g.a
), t AS (
  SELECT w.*, r.n, CAST(since + to_months(12 * r.n) AS DATE) AS s0,
    CAST(since + to_months(12 * (r.n + 1)) - INTERVAL 1 DAY AS DATE) AS e0,
    churn_date IS NOT NULL AS churns
  FROM w, range(0, 6) r(n)
)
SELECT 'SUB-L' || pad(a, 8) || '-' || n, account_id, NULL, NULL, 'PRD-PLAT', s0,
  CASE WHEN churns AND churn_date <= e0 THEN churn_date - 1 ELSE e0 END,
  CAST(round(qty * price / 12, 4) AS DECIMAL(18, 4)), currency, qty,
  CASE WHEN churns AND churn_date <= e0 THEN 'cancelled' WHEN e0 < p_end() THEN 'renewed'
       ELSE 'active' END,
  CASE WHEN churns AND churn_date <= e0 THEN churn_date END, 'legacy_billing',
  'SUB-L' || pad(a, 8) || '-' || n
FROM t WHERE s0 <= p_end() AND NOT (churns AND churn_date <= s0);

-- One ledger line per won line item, posted in the close month. Documented breaks (L1..L5):
-- unbilled, under-billed, unlinked, over-billed then credited, and the finance-mismatch quarter.
INSERT INTO ledger_entries
WITH w AS (
  SELECT l.i, l.k, l.total, l.is_recurring, o.opp_id, o.currency, x.close_date, o.line_amount,
    o.i % 263 = 11 AS unlinked,
    CASE WHEN NOT o.no_account THEN o.account_id END AS account_id,
    CASE WHEN x.close_date BETWEEN CAST(p_q0() - INTERVAL 6 MONTH AS DATE)
                               AND CAST(p_q0() - INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE)
              AND rnd(o.i, 'finance_quarter') < 0.4 THEN 0.8
         WHEN o.i % 173 = 3 THEN 0.9
         WHEN o.i % 97 = 13 AND o.line_amount > 0 THEN 1.1 ELSE 1.0 END AS factor,
    least(x.close_date + CAST(floor(rnd(o.i, 'post') * 7) AS INTEGER), last_day(x.close_date),
          p_end()) AS posting_date
  FROM d_line l JOIN d_opp o ON o.i = l.i JOIN d_last x ON x.i = l.i
  WHERE x.stage = 5 AND o.i % 307 <> 7
)
SELECT 'LE-' || pad(i, 8) || '-' || k, 'erp',
  CASE WHEN total >= 0 THEN 'invoice' ELSE 'credit_memo' END,
  CASE WHEN total >= 0 THEN 'INV-' ELSE 'CM-' END || pad(i, 8), account_id,
  CASE WHEN NOT unlinked THEN opp_id END, posting_date,
  CAST(round(total * factor, 2) AS DECIMAL(18, 4)), currency,
  CASE WHEN is_recurring THEN 'recurring' ELSE 'services' END,
  CASE WHEN is_recurring THEN '4000' ELSE '4100' END, 'revenue'
FROM w
UNION ALL
SELECT 'LE-CM-' || pad(i, 8), 'erp', 'credit_memo', 'CM-' || pad(i, 8), account_id,
  CASE WHEN NOT unlinked THEN opp_id END,
  least(posting_date + 10, last_day(close_date), p_end()),
  -CAST(round(line_amount * 0.1, 2) AS DECIMAL(18, 4)), currency, 'recurring', '4000', 'revenue'
FROM w WHERE factor = 1.1 AND k = 1;

-- Quotas: every rep, every fiscal quarter employed from the one holding data_start through the
-- quarter after end_date. Full quota per team = 1.15 x its historical bookings per ramped rep
-- (deflated by the 12%/year price trend, re-inflated per quarter); ramp per month as in
-- METRICS ramp_schedule: month t of tenure counts min(1, (t+1)/(ramp_months+1)).
CREATE OR REPLACE TEMP TABLE d_quarter AS
SELECT CAST(r.qs AS DATE) AS qs, CAST(r.qs + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS qe
FROM range(CAST(fiscal_bucket_start(p_d0(), p_fy(), 3) AS TIMESTAMP),
           CAST(p_q0() AS TIMESTAMP) + INTERVAL 4 MONTH, INTERVAL 3 MONTH) r(qs);

CREATE OR REPLACE TEMP TABLE d_rep_q AS
WITH m AS (
  SELECT q.qs, q.qe, CAST(q.qs + to_months(j) AS DATE) AS ms FROM d_quarter q, range(0, 3) r(j)
)
SELECT d.user_id, d.team_no, d.ramp_months, m.qs, m.qe,
  sum(CASE WHEN d.hire_date <= last_day(m.ms)
                AND (d.termination_date IS NULL OR d.termination_date >= m.ms)
           THEN least(d.ramp_months + 1, date_diff('month',
                      CAST(date_trunc('month', d.hire_date) AS DATE), m.ms) + 1)
           ELSE 0 END) AS ramp_units
FROM d_rep d JOIN m ON d.hire_date <= m.qe
  AND (d.termination_date IS NULL OR d.termination_date >= m.qs)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE d_qbase AS
WITH b AS (
  SELECT r.team_no,
    sum(CAST(o.amount / fx_base(o.currency_code)
             / (1 + 0.12 * years_in(CAST(o.close_date AS TIMESTAMP))) AS DECIMAL(18, 2))) AS usd
  FROM opportunities o JOIN d_rep r ON r.user_id = o.owner_id
  WHERE o.stage_name = 'Closed Won' AND o.close_date < p_q0()
    AND o.close_date >= (SELECT min(qs) FROM d_quarter WHERE qs >= p_d0())
  GROUP BY r.team_no
), f AS (
  SELECT team_no, sum(ramp_units) / (3.0 * max(ramp_months + 1)) AS fte
  FROM d_rep_q WHERE qs >= p_d0() AND qe < p_q0() GROUP BY team_no
)
SELECT f.team_no,
  greatest(5000, round(1.15 * coalesce(b.usd, 0) / f.fte / 5000) * 5000) AS qbase
FROM f LEFT JOIN b ON b.team_no = f.team_no;

INSERT INTO quotas
SELECT 'QTA-' || q.user_id || '-' || strftime(q.qs, '%Y%m'), 'user', q.user_id, q.qs, q.qe,
  CAST(round(b.qbase * (1 + 0.12 * years_in(CAST(q.qs + 45 AS TIMESTAMP)))
             * q.ramp_units / (3.0 * (q.ramp_months + 1)) / 100) * 100 AS DECIMAL(18, 4)),
  'USD', 'bookings', NULL, 'demo', 'QTA-' || q.user_id || '-' || strftime(q.qs, '%Y%m'), NULL
FROM d_rep_q q JOIN d_qbase b ON b.team_no = q.team_no;

-- Forecast calls per rep and quarter at weeks 2 and 8: commit = actual (or 85% of quota for the
-- current quarter) with noise shrinking over the quarter; best case = 1.3 x commit.
INSERT INTO forecast_submissions
WITH actual AS (
  SELECT o.owner_id AS user_id, q.qs, sum(CAST(o.amount / fx_base(o.currency_code) AS DECIMAL(18, 2)))
           AS usd
  FROM opportunities o JOIN d_quarter q ON o.close_date BETWEEN q.qs AND q.qe
  WHERE o.stage_name = 'Closed Won' GROUP BY ALL
), base AS (
  SELECT qu.owner_id AS user_id, qu.period_start AS qs, qu.period_end AS qe,
    CASE WHEN qu.period_start >= p_q0() THEN qu.quota_amount * 0.85 ELSE coalesce(a.usd, 0) END
      AS target
  FROM quotas qu LEFT JOIN actual a ON a.user_id = qu.owner_id AND a.qs = qu.period_start
  WHERE qu.period_start <= p_end()
)
SELECT 'FS-' || user_id || '-' || strftime(qs, '%Y%m') || '-W' || wk || '-' || cat, 'user', user_id,
  qs, qe, CAST(qs + 7 * wk AS TIMESTAMP) + INTERVAL 16 HOUR, cat, 'individual',
  CAST(greatest(0, round(target * (1 + CASE wk WHEN 2 THEN 0.25 ELSE 0.10 END
                                   * nrm(user_id || strftime(qs, '%Y%m') || wk, 'forecast'))
                         * CASE cat WHEN 'best_case' THEN 1.3 ELSE 1.0 END, -2)) AS DECIMAL(18, 4)),
  'USD'
FROM base, (VALUES (2), (8)) w(wk), (VALUES ('commit'), ('best_case')) c(cat)
WHERE qs + 7 * wk <= p_end();
