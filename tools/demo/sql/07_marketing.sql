-- Campaigns (one per month and channel), leads (converted ones are the marketing-sourced new
-- business deals; as many again never convert), campaign members and S&M spend in the ledger.
INSERT INTO campaigns
WITH m AS (
  SELECT CAST(r.m AS DATE) AS m, t.*
  FROM range(CAST(date_trunc('month', p_d0()) AS TIMESTAMP) - INTERVAL 2 MONTH,
             CAST(date_trunc('month', p_end()) AS TIMESTAMP) + INTERVAL 1 MONTH,
             INTERVAL 1 MONTH) r(m),
       (VALUES ('PS', 'Paid Search', 'Paid Search', 9000), ('WB', 'Webinar', 'Webinar', 4000),
               ('EV', 'Event', 'Trade Show', 15000), ('PT', 'Partner', 'Partner Program', 6000))
         t(code, ctype, label, base_cost)
), c AS (
  SELECT *, 'CMP-' || strftime(m, '%Y%m') || '-' || code AS id,
         round(base_cost * (p_n() / 20000.0) * (0.8 + 0.4 * rnd(strftime(m, '%Y%m') || code, 'budget')))
           AS budget
  FROM m
)
SELECT id, label || ' - ' || strftime(m, '%b %Y'), ctype,
  CASE WHEN last_day(m) < p_end() THEN 'Completed' ELSE 'In Progress' END, m, last_day(m),
  CAST(budget AS DECIMAL(18, 2)),
  CAST(round(budget * CASE WHEN last_day(m) < p_end() THEN 0.85 + 0.3 * rnd(id, 'actual')
                           ELSE (p_end() - m + 1) / 31.0 END) AS DECIMAL(18, 2)),
  NULL, 'hubspot', id, NULL
FROM c;

CREATE OR REPLACE TEMP MACRO lead_email(num, domain) AS
  lower(first_of(perm(num % 106496, 106496, 7919) % 4096)) || '.'
  || chr(97 + CAST(perm(num % 106496, 106496, 7919) // 4096 AS INTEGER)) || '.'
  || lower(last_of(perm(num % 106496, 106496, 7919) % 4096)) || '@' || domain;
CREATE OR REPLACE TEMP MACRO lead_email_dq(num, domain) AS CASE
  WHEN num % 67 = 5 THEN bad_email(lead_email(num, domain), num) ELSE lead_email(num, domain) END;

CREATE OR REPLACE TEMP TABLE d_lead AS
SELECT o.i AS num, o.r0 AS owner_id, o.lead_source, o.lead_ts AS created_at,
  add_days(o.lead_ts, 0.25 * days_between(o.lead_ts, o.created_ts)) AS mql_at,
  add_days(o.lead_ts, 0.6 * days_between(o.lead_ts, o.created_ts)) AS sql_at,
  'Converted' AS status, TRUE AS is_converted, o.created_ts AS converted_at,
  CASE WHEN NOT o.no_account THEN o.account_id END AS conv_account,
  CASE WHEN NOT o.no_account THEN 'CON-' || pad(2 * o.a - 1, 9) END AS conv_contact,
  o.opp_id AS conv_opp, o.campaign_id, ac.name AS company, lead_email_dq(o.i, ac.domain) AS email
FROM d_opp o JOIN d_acct ac ON ac.a = o.a
WHERE o.has_lead
UNION ALL
SELECT * EXCLUDE (age, no_opp) REPLACE (
  CASE WHEN no_opp THEN 'Converted' WHEN age < 14 AND rnd(num, 'status') < 0.5
       THEN 'Open - Not Contacted' WHEN age < 60 THEN 'Working - Contacted'
       ELSE 'Closed - Not Converted' END AS status)
FROM (
  SELECT u.num, p.user_id AS owner_id,
    CASE WHEN u.num % 150 = 77 THEN NULL  -- D12: lead source missing
         ELSE pick(['Inbound', 'Inbound', 'Inbound', 'Inbound', 'Inbound', 'Inbound', 'Inbound',
                    'Web', 'Web', 'Web', 'Web', 'Web', 'Event', 'Event', 'Event', 'Partner',
                    'Partner', 'Outbound', 'Outbound', 'Outbound'], rnd(u.num, 'source')) END
      AS lead_source,
    u.created_at,
    CASE WHEN rnd(u.num, 'mql') < 0.45 THEN add_days(u.created_at, 0.5 + 4.5 * rnd(u.num, 'mqld'))
    END AS mql_at,
    CASE WHEN rnd(u.num, 'mql') < 0.45 * 0.35
         THEN add_days(u.created_at, 6 + 7 * rnd(u.num, 'sqld')) END AS sql_at,
    '' AS status, u.no_opp AS is_converted,
    CASE WHEN u.no_opp THEN add_days(u.created_at, 10) END AS converted_at,
    CASE WHEN u.no_opp THEN 'ACC-' || pad(1 + CAST(floor(rnd(u.num, 'cacct') * p_accounts())
                                                  AS BIGINT), 8) END AS conv_account,
    NULL AS conv_contact, NULL AS conv_opp, NULL AS campaign_id, co_name(u.num) AS company,
    CASE WHEN u.num % 101 = 9 AND u.num - 1 > p_n() AND u.num % 67 <> 5 THEN lead_email_dq(u.num - 1, co_stem(u.num - 1) || '.com')
         ELSE lead_email_dq(u.num, co_stem(u.num) || '.com') END AS email,
    u.age, u.no_opp
  FROM (
    SELECT x.num, x.created_at, p_end() - CAST(x.created_at AS DATE) AS age,
           rnd(x.num, 'no_opp') < 0.03 AND p_end() - CAST(x.created_at AS DATE) > 30 AS no_opp, x.r
    FROM (
      SELECT l.num, c.r, CAST(greatest(d.hire_date, p_d0()) + CAST(floor(rnd(l.num, 'cday')
               * (least(coalesce(d.termination_date, p_end()), p_end())
                  - greatest(d.hire_date, p_d0()) + 1)) AS INTEGER) AS TIMESTAMP)
             + to_minutes(CAST(420 + floor(rnd(l.num, 'cmin') * 720) AS BIGINT)) AS created_at
      FROM (SELECT p_n() + j AS num FROM range(1, p_n() + 1) r(j)) l
      ASOF JOIN d_rep_cum c ON rnd(l.num, 'lead_rep') >= c.lo
      JOIN d_rep d ON d.r = c.r
    ) x
  ) u JOIN d_rep p ON p.r = u.r
);

-- Campaign of an unconverted lead follows the same month/channel rule as converted ones.
INSERT INTO leads
SELECT 'LEAD-' || pad(num, 9), 'lead', email, company, owner_id, lead_source, status, created_at,
  CASE WHEN mql_at <= p_end_ts() THEN mql_at END, CASE WHEN sql_at <= p_end_ts() THEN sql_at END,
  is_converted, converted_at, conv_account, conv_contact, conv_opp,
  coalesce(campaign_id, CASE WHEN num > p_n() THEN cmp_of(num, lead_source, created_at) END),
  least(greatest(created_at, coalesce(converted_at, created_at),
                 coalesce(sql_at, created_at)), p_end_ts()),
  FALSE, 'hubspot', 'LEAD-' || pad(num, 9), NULL
FROM d_lead;

INSERT INTO campaign_members
SELECT campaign_id, lead_id, NULL, 'Responded', TRUE, CAST(created_at AS DATE), created_at
FROM leads WHERE campaign_id IS NOT NULL;

-- Sales & marketing expense per month (M16): rep cost plus campaign spend.
INSERT INTO ledger_entries
WITH m AS (
  SELECT CAST(r.m AS DATE) AS m
  FROM range(CAST(date_trunc('month', p_d0()) AS TIMESTAMP),
             CAST(p_end() AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 MONTH) r(m)
), heads AS (
  SELECT m.m, count(*) AS reps
  FROM m JOIN d_rep r ON r.hire_date <= last_day(m.m)
   AND (r.termination_date IS NULL OR r.termination_date >= m.m)
  GROUP BY m.m
), spend AS (
  SELECT start_date AS m, sum(actual_cost) AS cost FROM campaigns GROUP BY start_date
)
SELECT 'LE-SM-' || strftime(m.m, '%Y%m'), 'erp', 'expense', 'EXP-' || strftime(m.m, '%Y%m'),
  NULL, NULL, least(last_day(m.m), p_end()),
  CAST(14000 * coalesce(h.reps, 0) + coalesce(s.cost, 0) + round(25000 * (p_n() / 20000.0))
       AS DECIMAL(18, 4)),
  'USD', 'other', '6100', 'sales_marketing_expense'
FROM m LEFT JOIN heads h ON h.m = m.m LEFT JOIN spend s ON s.m = m.m;
