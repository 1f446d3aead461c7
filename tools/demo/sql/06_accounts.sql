-- Accounts (created before their first deal; type from won deals and churn), near-duplicate
-- accounts (D4), territory assignments and two contacts per account.
CREATE OR REPLACE TEMP TABLE d_acct_life AS
SELECT o.a, min(o.created_ts) AS first_deal_ts, max(l.ts) AS last_touch_ts,
       max(o.close_ts) FILTER (WHERE l.stage = 5 AND NOT o.no_account) AS last_win_ts
FROM d_opp o JOIN d_last l ON l.i = o.i
GROUP BY o.a;

CREATE OR REPLACE TEMP TABLE d_account AS
SELECT ac.*,
  CASE WHEN g.since_ts IS NOT NULL
       THEN add_days(g.since_ts, -60 - 300 * rnd(ac.a, 'acct_created'))
       WHEN f.first_deal_ts IS NOT NULL
       THEN add_days(f.first_deal_ts, -50 - 30 * rnd(ac.a, 'acct_created'))
       ELSE CAST(p_d0() AS TIMESTAMP) + to_minutes(CAST(floor(rnd(ac.a, 'acct_created')
                                        * p_days() * 1440) AS BIGINT)) END AS created_at,
  f.last_touch_ts,
  CASE WHEN coalesce(f.last_win_ts, g.since_ts) IS NULL THEN 'Prospect'
       WHEN h.churn_ts IS NOT NULL AND greatest(f.last_win_ts, g.since_ts) <= h.churn_ts
       THEN 'Former Customer' ELSE 'Customer' END AS account_type
FROM d_acct ac LEFT JOIN d_acct_life f ON f.a = ac.a LEFT JOIN d_churn h ON h.a = ac.a
LEFT JOIN d_legacy g ON g.a = ac.a;

INSERT INTO accounts
SELECT account_id, name, domain, industry, employee_count, annual_revenue, country, owner_id,
       account_type, NULL, territory_id, segment, created_at,
       least(greatest(created_at, coalesce(last_touch_ts, created_at)), p_end_ts()),
       FALSE, FALSE, 'demo', account_id, NULL
FROM d_account
UNION ALL
-- D4: every account number = 37 (mod 100) has a near-duplicate created later, without deals.
SELECT 'ACC-' || pad(a + 50000000, 8),
       CASE a % 3 WHEN 0 THEN name || ' Inc.' WHEN 1 THEN upper(name) ELSE name || '.' END,
       CASE a % 3 WHEN 0 THEN 'www.' || domain WHEN 1 THEN domain ELSE 'https://' || domain END,
       industry, employee_count, annual_revenue, country, owner_id, 'Prospect', NULL,
       territory_id, segment, least(add_days(created_at, 100 + 300 * rnd(a, 'dup')), p_end_ts()),
       least(add_days(created_at, 100 + 300 * rnd(a, 'dup')), p_end_ts()), FALSE, FALSE, 'demo',
       'ACC-' || pad(a + 50000000, 8), NULL
FROM d_account WHERE a % 100 = 37;

INSERT INTO territory_account_assignments
SELECT territory_id, account_id, CAST(created_at AS DATE), NULL, 'Territory2AssignmentRule'
FROM accounts;

-- Contacts 2a-1 and 2a belong to account a; their names differ, so e-mails are unique unless
-- injected invalid (D5: contact number = 11 mod 89).
INSERT INTO contacts
WITH c AS (
  SELECT ac.*, 2 * ac.a - 1 + k AS c, k,
         (perm(ac.a, 4096, 2053) + k * 2049) % 4096 AS name_idx
  FROM d_account ac, range(0, 2) r(k)
)
SELECT 'CON-' || pad(c, 9), account_id,
  CASE WHEN c % 89 = 11 THEN bad_email(email_of(name_idx, domain), c)
       ELSE email_of(name_idx, domain) END,
  first_of(name_idx), last_of(name_idx), owner_id,
  CASE account_type WHEN 'Customer' THEN 'customer' WHEN 'Former Customer' THEN 'other'
       ELSE 'salesqualifiedlead' END,
  pick(['Inbound', 'Outbound', 'Partner', 'Event', 'Web'], rnd(c, 'contact_source')),
  least(add_days(created_at, 20 * k), p_end_ts()), NULL, NULL, NULL,
  least(add_days(created_at, 20 * k + 40), p_end_ts()), FALSE, 'demo', 'CON-' || pad(c, 9), NULL
FROM c;
