-- Data-quality run history (tools/quality, `revops check`): one row per run, per table and per
-- rule, with counts and a few sample ids, never one row per record, so history stays small at any
-- warehouse size (dq_results, the per-record table of METRICS §2, is left unused for that reason).
-- dq_rules (001) mirrors the catalog in effect at the latest check, keyed 'id:table'.
CREATE TABLE dq_runs (run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
  as_of DATE, records BIGINT, evaluated BIGINT, passing BIGINT, accuracy DOUBLE,
  null_reason VARCHAR, target DOUBLE, comparator VARCHAR, passed BOOLEAN, quarantined BIGINT,
  catalog_checksum VARCHAR, rules_file VARCHAR, duration_s DOUBLE);
CREATE TABLE dq_table_results (run_id VARCHAR, table_name VARCHAR, in_scope BOOLEAN,
  records BIGINT, quarantined BIGINT, evaluated BIGINT, passing BIGINT, accuracy DOUBLE,
  PRIMARY KEY (run_id, table_name));
CREATE TABLE dq_rule_results (run_id VARCHAR, rule_id VARCHAR, table_name VARCHAR,
  name VARCHAR, dimension VARCHAR, severity VARCHAR, status VARCHAR, applicable BIGINT,
  failed BIGINT, pass_rate DOUBLE, min_pass_fraction DOUBLE, passed BOOLEAN,
  sample_ids VARCHAR[], findings JSON, note VARCHAR, PRIMARY KEY (run_id, rule_id, table_name));
