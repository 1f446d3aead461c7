-- Fiscal calendar (reference/METRICS.md §1.2) as SQL macros, so every statement a tool reports
-- can be pasted into DuckDB against this file and give the same rows.
-- s = fiscal_year_start_month (1..12); ending = fiscal_year_name_basis is 'ending_month'.
CREATE OR REPLACE MACRO fiscal_month(d, s) AS ((month(d) - s + 12) % 12) + 1;
CREATE OR REPLACE MACRO fiscal_quarter(d, s) AS ((fiscal_month(d, s) - 1) // 3) + 1;
CREATE OR REPLACE MACRO fiscal_year(d, s, ending) AS
  CASE WHEN ending THEN (CASE WHEN s = 1 THEN year(d) WHEN month(d) >= s THEN year(d) + 1 ELSE year(d) END)
       ELSE (CASE WHEN month(d) >= s THEN year(d) ELSE year(d) - 1 END) END;
CREATE OR REPLACE MACRO fiscal_year_start(d, s) AS
  make_date(CASE WHEN month(d) >= s THEN year(d) ELSE year(d) - 1 END, s, 1);
-- First day of the fiscal bucket of `months` months (1 = month, 3 = quarter, 12 = year) holding d.
CREATE OR REPLACE MACRO fiscal_bucket_start(d, s, months) AS
  CAST(fiscal_year_start(d, s) + to_months(((fiscal_month(d, s) - 1) // months) * months) AS DATE);
-- Label of that bucket: 2024-03 for months, FY2025 Q1 for quarters, FY2025 for years.
CREATE OR REPLACE MACRO fiscal_period_label(d, s, ending, months) AS
  CASE months WHEN 1 THEN strftime(d, '%Y-%m')
              WHEN 3 THEN 'FY' || fiscal_year(d, s, ending) || ' Q' || fiscal_quarter(d, s)
              ELSE 'FY' || fiscal_year(d, s, ending) END;

-- A user's current territory: their latest active assignment.
CREATE OR REPLACE VIEW v_user_territory AS
SELECT user_id, arg_max(territory_id, coalesce(valid_from, DATE '1900-01-01')) AS territory_id
FROM territory_user_assignments
WHERE coalesce(is_active, TRUE)
GROUP BY user_id;

-- Users with the labels every breakdown uses (rep, manager, team, territory, region).
CREATE OR REPLACE VIEW v_reps AS
SELECT u.user_id, coalesce(u.full_name, u.user_id) AS rep, u.manager_id,
       coalesce(m.full_name, u.manager_id) AS manager, u.team_id, coalesce(tm.name, u.team_id) AS team,
       ut.territory_id, t.name AS territory, coalesce(t.region, t.name) AS region,
       u.is_active, u.is_human, u.is_quota_carrying, u.hire_date, u.termination_date, u.ramp_months
FROM users u
LEFT JOIN users m ON m.user_id = u.manager_id
LEFT JOIN teams tm ON tm.team_id = u.team_id
LEFT JOIN v_user_territory ut ON ut.user_id = u.user_id
LEFT JOIN territories t ON t.territory_id = ut.territory_id;

-- Opportunities as they stood at timestamp `ts` (METRICS.md §1.7), enriched with status
-- (stage dictionary wins, §1.6), corporate-currency amount (§1.3) and the labels of every
-- dimension. ts = NULL means the current state. Deleted and test records are dropped (§1.5).
-- Labels fall back to the raw reference when it matches no master record, so unresolved
-- references stay visible instead of vanishing (DESIGN.md "Import semantics").
CREATE OR REPLACE MACRO opps_as_of(ts) AS TABLE
WITH hist AS (
  SELECT opportunity_id, stage_name, amount, close_date, probability, forecast_category
  FROM opportunity_history
  WHERE ts IS NOT NULL AND changed_at <= ts
  QUALIFY row_number() OVER (PARTITION BY opportunity_id ORDER BY changed_at DESC, history_id DESC) = 1
), base AS (
  SELECT o.* REPLACE (
           coalesce(h.stage_name, o.stage_name) AS stage_name,
           coalesce(h.amount, o.amount) AS amount,
           coalesce(h.close_date, o.close_date) AS close_date,
           coalesce(h.probability, o.probability) AS probability,
           coalesce(h.forecast_category, o.forecast_category) AS forecast_category,
           CASE WHEN h.opportunity_id IS NULL THEN o.is_closed END AS is_closed,
           CASE WHEN h.opportunity_id IS NULL THEN o.is_won END AS is_won),
         (ts IS NOT NULL AND h.opportunity_id IS NULL) AS history_missing
  FROM opportunities o
  LEFT JOIN hist h ON h.opportunity_id = o.opportunity_id
  WHERE (ts IS NULL OR o.created_at <= ts)
    AND NOT coalesce(o.is_deleted, FALSE) AND NOT coalesce(o.is_test, FALSE)
)
SELECT b.opportunity_id, coalesce(b.name, b.opportunity_id) AS opportunity, b.pipeline_id, b.stage_name AS stage,
       s.sort_order AS stage_order, s.default_probability AS stage_probability,
       CASE WHEN coalesce(s.is_won, b.is_won, FALSE) THEN 'won'
            WHEN coalesce(s.is_closed, b.is_closed, FALSE) THEN 'lost'
            ELSE 'open' END AS status,
       b.amount, b.currency_code,
       CAST(b.amount / CASE WHEN b.currency_code IS NULL
                              OR b.currency_code = coalesce((SELECT value FROM company_settings
                                                             WHERE key = 'corporate_currency'), 'USD')
                            THEN 1 ELSE fx.units_per_corporate END AS DECIMAL(18,4)) AS amount_corp,
       b.probability, b.forecast_category, b.close_date, b.created_at,
       CAST(b.created_at AS DATE) AS created_date, b.deal_type, b.lead_source, b.lost_reason,
       b.owner_id, coalesce(r.rep, b.owner_id) AS rep, r.manager_id, r.manager, r.team_id, r.team,
       coalesce(b.territory_id, a.territory_id, r.territory_id) AS territory_id,
       t.name AS territory, coalesce(t.region, t.name) AS region,
       b.account_id, coalesce(a.name, b.account_id) AS account, a.industry,
       coalesce(a.segment, t.segment) AS segment,
       b.product_id, coalesce(p.name, b.product_id) AS product, p.family AS product_family,
       b.campaign_id, coalesce(c.name, b.campaign_id) AS campaign, b.last_activity_date,
       b.updated_at, b.history_missing,
       -- references that match no master record (kept raw, see DESIGN.md "Import semantics")
       (b.owner_id IS NOT NULL AND r.user_id IS NULL) AS owner_unresolved,
       (b.account_id IS NOT NULL AND a.account_id IS NULL) AS account_unresolved,
       (b.product_id IS NOT NULL AND p.product_id IS NULL) AS product_unresolved,
       (b.stage_name IS NOT NULL AND s.stage_name IS NULL) AS stage_unresolved
FROM base b
LEFT JOIN opportunity_stages s ON s.pipeline_id = b.pipeline_id AND s.stage_name = b.stage_name
LEFT JOIN fx_rates fx ON fx.currency_code = b.currency_code AND b.close_date >= fx.start_date
      AND (fx.next_start_date IS NULL OR b.close_date < fx.next_start_date)
LEFT JOIN v_reps r ON r.user_id = b.owner_id
LEFT JOIN accounts a ON a.account_id = b.account_id AND NOT coalesce(a.is_deleted, FALSE)
LEFT JOIN territories t ON t.territory_id = coalesce(b.territory_id, a.territory_id, r.territory_id)
LEFT JOIN products p ON p.product_id = b.product_id
LEFT JOIN campaigns c ON c.campaign_id = b.campaign_id
WHERE NOT coalesce(a.is_test, FALSE);

CREATE OR REPLACE VIEW v_opps AS SELECT * FROM opps_as_of(NULL);

-- Every value a question can name, per dimension (the parser matches question words against
-- these). Writers materialize it as entity_values together with opp_facts.
CREATE OR REPLACE VIEW v_entity_values AS
with o as (
  select owner_id, product_id, deal_type, lead_source from opportunities
  group by grouping sets ((owner_id), (product_id), (deal_type), (lead_source))
)
select 'rep' as dimension, coalesce(u.full_name, o.owner_id) as label
  from o left join users u on u.user_id = o.owner_id where o.owner_id is not null
union select 'manager', manager from v_reps where manager is not null
union select 'team', team from v_reps where team is not null
union select 'region', coalesce(region, name) from territories
  where coalesce(region, name) is not null
union select 'territory', name from territories where name is not null
union select 'product', coalesce(p.name, o.product_id)
  from o left join products p using (product_id) where o.product_id is not null
union select 'product', name from products where name is not null
union select 'product_family', family from products where family is not null
union select 'industry', industry from accounts where industry is not null
union select 'segment', segment from accounts where segment is not null
union select 'segment', segment from territories where segment is not null
union select 'deal_type', deal_type from o where deal_type is not null
union select 'lead_source', lead_source from o where lead_source is not null
union select 'stage', stage_name from opportunity_stages where not coalesce(is_closed, false)
union select 'forecast_category', forecast_category from opportunity_stages
  where forecast_category not in ('pipeline', 'closed', 'omitted')
union select 'tool', tool_name from tool_licenses where tool_name is not null
-- the systems integration flows read from or write to ('hubspot', 'netsuite'), unless the same
-- name (in any case) is already there as a licensed tool
union select 'tool', system from (
    select source_system as system from integration_sync_log
    union select target_system from integration_sync_log)
  where system is not null
    and lower(system) not in (select lower(tool_name) from tool_licenses
                              where tool_name is not null)
union select 'campaign', name from campaigns where name is not null
union select 'activity_type', activity_type from (select distinct activity_type from activities)
  where activity_type is not null
union select 'request_type', request_type from (select distinct request_type from ops_requests)
  where request_type is not null;
