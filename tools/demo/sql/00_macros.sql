-- Shared helpers. Parameter macros (p_seed, p_n, p_end, ...) and word lists (w_*) are created
-- by generator.py just before this file runs. All randomness is hash(key, salt, seed): the same
-- inputs give the same value on any thread, so content never depends on row order.
CREATE OR REPLACE TEMP MACRO rnd(k, salt) AS ((hash(k, salt, p_seed()) >> 11) / 9007199254740992.0);
-- Roughly standard normal (sum of three uniforms), for lognormal amounts and times.
CREATE OR REPLACE TEMP MACRO nrm(k, salt) AS
  (rnd(k, salt || '_a') + rnd(k, salt || '_b') + rnd(k, salt || '_c') - 1.5) * 2.0;
CREATE OR REPLACE TEMP MACRO pick(lst, x) AS lst[1 + least(floor(x * len(lst)), len(lst) - 1)::INTEGER];
CREATE OR REPLACE TEMP MACRO pad(n, w) AS lpad(CAST(n AS VARCHAR), w, '0');
CREATE OR REPLACE TEMP MACRO add_days(ts, d) AS ts + to_microseconds(CAST(round(d * 86400000000.0) AS BIGINT));
CREATE OR REPLACE TEMP MACRO days_between(t1, t2) AS (epoch(t2) - epoch(t1)) / 86400.0;
CREATE OR REPLACE TEMP MACRO p_end_ts() AS CAST(p_end() AS TIMESTAMP) + INTERVAL 86399 SECOND;
CREATE OR REPLACE TEMP MACRO p_days() AS (p_end() - p_d0());
CREATE OR REPLACE TEMP MACRO years_in(ts) AS days_between(CAST(p_d0() AS TIMESTAMP), ts) / 365.25;
-- A bijection of 0..m-1 (mult odd and coprime to m), so generated names and domains are unique.
CREATE OR REPLACE TEMP MACRO perm(k, m, mult) AS ((k * mult + p_seed_offset()) % m);
CREATE OR REPLACE TEMP MACRO dot4(a1, a2, a3, a4, d1, d2, d3, d4) AS
  (a1 * d1 + a2 * d2 + a3 * d3 + a4 * d4);

-- Names: 64 x 64 x 12 = 49,152 distinct company names, then a block number is appended.
CREATE OR REPLACE TEMP MACRO co_idx(k) AS perm(k % 49152, 49152, 7919);
CREATE OR REPLACE TEMP MACRO co_block(k) AS (k // 49152);
CREATE OR REPLACE TEMP MACRO co_name(k) AS
  w_prefix()[1 + co_idx(k) % 64] || w_stem()[1 + (co_idx(k) // 64) % 64] || ' '
  || w_suffix()[1 + co_idx(k) // 4096]
  || CASE WHEN co_block(k) > 0 THEN ' ' || CAST(co_block(k) + 1 AS VARCHAR) ELSE '' END;
CREATE OR REPLACE TEMP MACRO co_stem(k) AS
  lower(w_prefix()[1 + co_idx(k) % 64] || w_stem()[1 + (co_idx(k) // 64) % 64]
        || w_suffix()[1 + co_idx(k) // 4096])
  || CASE WHEN co_block(k) > 0 THEN CAST(co_block(k) + 1 AS VARCHAR) ELSE '' END;
CREATE OR REPLACE TEMP MACRO tld(country) AS CASE country
  WHEN 'United Kingdom' THEN '.co.uk' WHEN 'Germany' THEN '.de' WHEN 'France' THEN '.fr'
  WHEN 'Japan' THEN '.jp' WHEN 'Brazil' THEN '.com.br' WHEN 'Australia' THEN '.com.au'
  ELSE '.com' END;
-- People: 4,096 first/last combinations (x 26 middle initials for leads).
CREATE OR REPLACE TEMP MACRO first_of(idx) AS w_first()[1 + idx % 64];
CREATE OR REPLACE TEMP MACRO last_of(idx) AS w_last()[1 + (idx // 64) % 64];
CREATE OR REPLACE TEMP MACRO email_of(idx, domain) AS
  lower(first_of(idx)) || '.' || lower(last_of(idx)) || '@' || domain;
-- Injected invalid e-mail shapes (docs/demo.md D5): no TLD, blank before @, double @.
CREATE OR REPLACE TEMP MACRO bad_email(good, k) AS CASE k % 3
  WHEN 0 THEN split_part(good, '@', 1) || '@' || split_part(split_part(good, '@', 2), '.', 1)
  WHEN 1 THEN replace(good, '@', ' @')
  ELSE replace(good, '@', '@@') END;

CREATE OR REPLACE TEMP MACRO stage_name(s) AS
  ['Prospecting', 'Discovery', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'][s];
CREATE OR REPLACE TEMP MACRO stage_prob(s) AS
  CAST([0.10, 0.25, 0.50, 0.75, 1.00, 0.00][s] AS DECIMAL(5, 4));
-- Forecast category: the stage default, with a fixed per-deal rep override on some open stages.
CREATE OR REPLACE TEMP MACRO fc_of(s, i) AS CASE
  WHEN s = 1 AND rnd(i, 'fco') < 0.20 THEN 'omitted'
  WHEN s = 3 AND rnd(i, 'fco') < 0.10 THEN 'commit'
  WHEN s = 4 AND rnd(i, 'fco') < 0.12 THEN 'best_case'
  ELSE ['pipeline', 'pipeline', 'best_case', 'commit', 'closed', 'omitted'][s] END;
CREATE OR REPLACE TEMP MACRO tpl_id(e, m, won, skip, reg, reopen, pushes, amt) AS
  (e - 1) + 2 * (m - 1) + 8 * won + 16 * skip + 32 * reg + 64 * reopen + 128 * pushes + 384 * amt;
CREATE OR REPLACE TEMP MACRO fx_base(cur) AS CASE cur WHEN 'EUR' THEN 0.92 WHEN 'GBP' THEN 0.79 ELSE 1.0 END;
CREATE OR REPLACE TEMP MACRO type_raw(t) AS CASE t
  WHEN 'new_business' THEN 'New Customer' WHEN 'expansion' THEN 'Existing Customer - Upgrade'
  WHEN 'renewal' THEN 'Existing Customer - Replacement'
  WHEN 'contraction' THEN 'Existing Customer - Downgrade' END;
-- Converted leads exist for marketing-sourced new business; their campaign is fixed by month.
CREATE OR REPLACE TEMP MACRO lead_lag_days(i) AS 2.0 + 43.0 * rnd(i, 'leadlag');
CREATE OR REPLACE TEMP MACRO cmp_code(src) AS CASE src
  WHEN 'Inbound' THEN 'PS' WHEN 'Web' THEN 'WB' WHEN 'Event' THEN 'EV' WHEN 'Partner' THEN 'PT' END;
CREATE OR REPLACE TEMP MACRO cmp_of(k, src, ts) AS CASE
  WHEN cmp_code(src) IS NOT NULL AND rnd(k, 'hascmp') < 0.8
  THEN 'CMP-' || strftime(ts, '%Y%m') || '-' || cmp_code(src) END;
-- Opportunity activities: n in 1..3, spread over the deal's active span, increasing in k.
CREATE OR REPLACE TEMP MACRO act_n(i) AS
  1 + CAST(rnd(i, 'na1') < 0.6 AS INTEGER) + CAST(rnd(i, 'na2') < 0.45 AS INTEGER);
CREATE OR REPLACE TEMP MACRO act_ts(i, k, n, t0, t1) AS
  add_days(t0, days_between(t0, t1) * (k + rnd(i, 'at' || k)) / n);
