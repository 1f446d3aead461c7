-- OpportunityHistory by expanding each deal's template (events after the cut-off do not exist
-- yet), then opportunities from each deal's last history row, so "last row = current" holds by
-- construction. Also owner changes (field history) and line items.
CREATE OR REPLACE TEMP VIEW v_hist AS
WITH x AS (
  SELECT o.i, o.opp_id, o.r0, o.change_ts, o.successor, o.currency, o.cut_ts, o.no_amount, o.zero_won,
         o.early_close, o.early_date, o.a0, o.line_amount, o.pushes, o.est0, o.est1, o.est_final,
         e.step, e.stage, e.lvl, e.amt_lvl, e.p_lvl, e.p_amt,
         add_days(o.created_ts, dot4(e.c1, e.c2, e.c3, e.c4, o.d1, o.d2, o.d3, o.d4)) AS ts,
         CASE WHEN e.step > 0 THEN add_days(o.created_ts,
           dot4(e.pc1, e.pc2, e.pc3, e.pc4, o.d1, o.d2, o.d3, o.d4)) END AS prev_ts,
         CASE WHEN e.nc1 IS NOT NULL THEN add_days(o.created_ts,
           dot4(e.nc1, e.nc2, e.nc3, e.nc4, o.d1, o.d2, o.d3, o.d4)) END AS next_ts
  FROM d_opp o JOIN d_tpl_event e ON e.tpl = o.tpl
), y AS (
  SELECT *, next_ts IS NULL OR next_ts > cut_ts AS is_last FROM x WHERE ts <= cut_ts
)
SELECT i, opp_id, step, stage, ts, is_last, currency,
  CASE WHEN change_ts IS NOT NULL AND ts >= change_ts THEN successor ELSE r0 END AS changed_by,
  CASE WHEN no_amount THEN NULL WHEN zero_won AND is_last THEN 0 WHEN amt_lvl = 0 THEN a0 ELSE line_amount END
    AS amount,
  CASE WHEN lvl = 3 AND early_close AND is_last THEN early_date
       WHEN lvl = 3 THEN CAST(ts AS DATE)
       WHEN lvl = 0 THEN est0 WHEN lvl >= pushes THEN est_final ELSE est1 END AS close_date,
  CASE WHEN step = 0 OR no_amount THEN NULL WHEN p_amt = 0 THEN a0 ELSE line_amount END AS prev_amount,
  CASE WHEN step = 0 THEN NULL WHEN p_lvl = 3 THEN CAST(prev_ts AS DATE)
       WHEN p_lvl = 0 THEN est0 WHEN p_lvl >= pushes THEN est_final ELSE est1 END AS prev_close_date
FROM y;

INSERT INTO opportunity_history
SELECT 'OH-' || pad(i, 8) || '-' || pad(step, 2), opp_id, ts, changed_by, stage_name(stage),
       amount, currency, close_date, stage_prob(stage), fc_of(stage, i), prev_amount,
       prev_close_date
FROM v_hist;

CREATE OR REPLACE TEMP TABLE d_last AS
SELECT i, stage, ts, amount, close_date FROM v_hist WHERE is_last;

INSERT INTO opportunities
SELECT o.opp_id,
  o.acct_name || ' - ' || CASE o.deal_type WHEN 'new_business' THEN 'New Business'
    WHEN 'expansion' THEN 'Expansion' WHEN 'renewal' THEN 'Renewal' ELSE 'Downgrade' END
    || ' ' || CAST(year(o.created_ts) AS VARCHAR),
  CASE WHEN o.no_account THEN NULL ELSE o.account_id END, o.owner_id, 'default', stage_name(l.stage),
  l.stage >= 5, (l.stage = 5) <> o.won_flip, fc_of(l.stage, o.i), stage_prob(l.stage), l.amount,
  o.currency, l.close_date, o.created_ts, o.deal_type, type_raw(o.deal_type), o.lead_source,
  o.campaign_id, o.territory_id,
  CASE WHEN l.stage <= 4 THEN [pick(['Book discovery call', 'Qualify budget', 'Find champion'],
                                    rnd(o.i, 'next')),
                               pick(['Run demo', 'Map stakeholders', 'Scope requirements'],
                                    rnd(o.i, 'next')),
                               pick(['Send proposal', 'Security review', 'Pricing call'],
                                    rnd(o.i, 'next')),
                               pick(['Legal review', 'Procurement sign-off', 'Final terms'],
                                    rnd(o.i, 'next'))][l.stage] END,
  CASE WHEN l.stage = 6 AND NOT o.no_reason
       THEN pick(['Price', 'Price', 'Price', 'Price', 'Price', 'Competitor', 'Competitor',
                  'Competitor', 'Competitor', 'Competitor', 'No Decision', 'No Decision',
                  'No Decision', 'No Decision', 'No Decision', 'No Decision', 'Timing', 'Timing',
                  'Timing', 'Timing', 'Product Fit', 'Product Fit', 'Product Fit', 'Duplicate'],
                 rnd(o.i, 'lost_reason')) END,
  CASE WHEN NOT o.no_amount THEN o.recurring_amount END, o.term_months, CAST(o.last_act_ts AS DATE),
  least(greatest(l.ts, coalesce(o.change_ts, l.ts), o.last_act_ts), p_end_ts()), FALSE, FALSE,
  p.product_id, 'demo', o.opp_id, NULL
FROM d_opp o JOIN d_last l ON l.i = o.i LEFT JOIN d_product p ON p.product_no = o.primary_no;

INSERT INTO opportunity_field_history
SELECT 'OFH-' || pad(o.i, 8), o.opp_id, 'Owner', o.r0, o.successor, o.change_ts, t.manager_id
FROM d_opp o JOIN d_team t ON t.team_no = o.team_no
WHERE o.change_ts IS NOT NULL;

INSERT INTO opportunity_line_items
SELECT 'OLI-' || pad(l.i, 8) || '-' || l.k, o.opp_id, p.product_id, p.code, p.family, l.qty,
  l.price, l.disc, l.total, o.currency, p.is_recurring, p.freq,
  CASE WHEN p.is_recurring THEN o.term_months END,
  CASE WHEN p.is_recurring THEN 'annual' ELSE 'term_total' END, x.close_date,
  CASE WHEN p.is_recurring
       THEN CAST(x.close_date + to_months(o.term_months) - INTERVAL 1 DAY AS DATE) END,
  CASE WHEN p.is_recurring THEN round(l.total / 12, 4) END,
  CASE WHEN p.is_recurring THEN l.total END
FROM d_line l JOIN d_opp o ON o.i = l.i JOIN d_last x ON x.i = l.i
JOIN d_product p ON p.product_no = l.product_no;
