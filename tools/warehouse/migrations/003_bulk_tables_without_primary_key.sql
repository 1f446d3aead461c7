-- opportunities and opportunity_history without a PRIMARY KEY. DuckDB's performance guide
-- advises against primary keys and unique constraints on bulk-loaded tables: the ART index
-- costs time and memory on every load (a quarter of a 1M-row import went into it at commit)
-- and DuckDB never uses it to speed up the scans and joins the metrics run. Uniqueness is
-- kept by whoever writes: the importer quarantines duplicate ids and upserts by its logical
-- key (tools/importer/schema.py LOGICAL_KEYS, MERGE INTO), the demo generator numbers its
-- rows, and data-quality rule R17 (duplicate_id) reports any duplicate that gets in anyway.
-- Same columns, order and defaults as 001.
CREATE TABLE opportunities__new (opportunity_id VARCHAR, name VARCHAR, account_id VARCHAR,
  owner_id VARCHAR, pipeline_id VARCHAR, stage_name VARCHAR, is_closed BOOLEAN, is_won BOOLEAN,
  forecast_category VARCHAR, probability DECIMAL(5,4), amount DECIMAL(18,4), currency_code VARCHAR,
  close_date DATE, created_at TIMESTAMP, deal_type VARCHAR, type_raw VARCHAR, lead_source VARCHAR,
  campaign_id VARCHAR, territory_id VARCHAR, next_step VARCHAR, lost_reason VARCHAR,
  recurring_amount DECIMAL(18,4), term_months INTEGER, last_activity_date DATE,
  updated_at TIMESTAMP, is_deleted BOOLEAN DEFAULT FALSE, is_test BOOLEAN DEFAULT FALSE,
  product_id VARCHAR, source_system VARCHAR, source_id VARCHAR, extra JSON);
INSERT INTO opportunities__new SELECT * FROM opportunities;
DROP TABLE opportunities;
ALTER TABLE opportunities__new RENAME TO opportunities;

CREATE TABLE opportunity_history__new (history_id VARCHAR, opportunity_id VARCHAR,
  changed_at TIMESTAMP, changed_by VARCHAR, stage_name VARCHAR, amount DECIMAL(18,4),
  currency_code VARCHAR, close_date DATE, probability DECIMAL(5,4), forecast_category VARCHAR,
  prev_amount DECIMAL(18,4), prev_close_date DATE);
INSERT INTO opportunity_history__new SELECT * FROM opportunity_history;
DROP TABLE opportunity_history;
ALTER TABLE opportunity_history__new RENAME TO opportunity_history;
