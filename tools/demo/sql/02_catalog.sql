-- Products with a local-currency price book, the stage dictionary, dated FX rates, and the
-- account master (attributes only; created dates and types follow once deals exist).
INSERT INTO products
SELECT product_id, name, code, family, is_recurring, freq, list_usd, 'demo', product_id, NULL
FROM d_product;

CREATE OR REPLACE TEMP TABLE d_price AS
SELECT p.product_no, c.cur AS currency,
       CAST(round(p.list_usd * fx_base(c.cur) / 10) * 10 AS DECIMAL(18, 2)) AS price
FROM d_product p, (VALUES ('USD'), ('EUR'), ('GBP')) c(cur);

INSERT INTO opportunity_stages
SELECT 'default', stage_name, stage_name, stage_no, probability, is_closed, is_won, forecast_category,
       TRUE
FROM d_stage;

-- Monthly dated rates (units per USD) from a year before the window to two months after end_date;
-- the last row is open-ended so future close dates of open deals still convert.
INSERT INTO fx_rates
SELECT 'USD', DATE '2000-01-01', NULL, 1
UNION ALL
SELECT cur, m, lead(m) OVER (PARTITION BY cur ORDER BY m),
       CAST(round(fx_base(cur) * (1 + 0.035 * sin(idx / 4.0 + 6.2832 * rnd(cur, 'fxphase'))
                                  + 0.01 * (rnd(cur || CAST(m AS VARCHAR), 'fxnoise') - 0.5)), 6)
            AS DECIMAL(18, 8))
FROM (
  SELECT c.cur, CAST(r.m AS DATE) AS m, row_number() OVER (PARTITION BY c.cur ORDER BY r.m) AS idx
  FROM (VALUES ('EUR'), ('GBP')) c(cur),
       range(CAST(date_trunc('month', p_d0()) AS TIMESTAMP) - INTERVAL 12 MONTH,
             CAST(date_trunc('month', p_end()) AS TIMESTAMP) + INTERVAL 3 MONTH,
             INTERVAL 1 MONTH) r(m)
);

CREATE OR REPLACE TEMP TABLE d_acct AS
WITH a AS (
  SELECT r.a, t.team_no, t.territory_id, t.region, t.kind, rnd(r.a, 'seg') AS u
  FROM range(1, p_accounts() + 1) r(a) ASOF JOIN d_team t ON r.a >= t.acc_lo
), b AS (
  SELECT *,
    CASE kind WHEN 'ent' THEN (CASE WHEN u < 0.85 THEN 'Enterprise' ELSE 'Mid-Market' END)
              WHEN 'comm' THEN (CASE WHEN u < 0.6 THEN 'SMB' ELSE 'Mid-Market' END)
              ELSE (CASE WHEN u < 0.5 THEN 'SMB' WHEN u < 0.85 THEN 'Mid-Market'
                         ELSE 'Enterprise' END) END AS segment,
    country_of(region, rnd(a, 'country')) AS country
  FROM a
), c AS (
  SELECT *,
    CAST(round(exp(CASE segment WHEN 'SMB' THEN ln(10) + rnd(a, 'emp') * ln(20)
                                WHEN 'Mid-Market' THEN ln(200) + rnd(a, 'emp') * ln(10)
                                ELSE ln(2000) + rnd(a, 'emp') * ln(30) END)) AS INTEGER)
      AS employee_count
  FROM b
), o AS (
  SELECT c.*, CAST(floor(rnd(c.a, 'owner') * pt.cnt) AS BIGINT) AS owner_k
  FROM c JOIN d_pool_tot pt ON pt.team_no = c.team_no
)
SELECT c.a, 'ACC-' || pad(c.a, 8) AS account_id, c.team_no, c.territory_id, c.region, c.kind,
       c.segment, c.country, currency_of(c.country) AS currency,
       pick(w_industry(), rnd(c.a, 'industry')) AS industry, co_name(c.a) AS name,
       co_stem(c.a) || tld(c.country) AS domain, c.employee_count,
       CAST(round(c.employee_count * (120 + 200 * rnd(c.a, 'rev'))) * 1000 AS DECIMAL(18, 2))
         AS annual_revenue,
       p.user_id AS owner_id
FROM o AS c JOIN d_pool p ON p.team_no = c.team_no AND p.k = c.owner_k;
