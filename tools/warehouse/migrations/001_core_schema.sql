-- Canonical CRM schema (reference/METRICS.md §2). Table and column names are a contract
-- (DESIGN.md "Warehouse"); extra columns are allowed, renames are not.
-- Extra columns beyond §2: opportunities.product_id (primary product of the deal, used for
-- "by product" breakdowns), and `extra JSON` on importable tables (unmapped source columns).

CREATE TABLE company_settings (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE users (user_id VARCHAR PRIMARY KEY, full_name VARCHAR, email VARCHAR, title VARCHAR,
  role_name VARCHAR, manager_id VARCHAR, team_id VARCHAR, is_active BOOLEAN DEFAULT TRUE,
  is_human BOOLEAN DEFAULT TRUE, is_quota_carrying BOOLEAN DEFAULT FALSE, hire_date DATE,
  termination_date DATE, ramp_months INTEGER, created_at TIMESTAMP, last_login_at TIMESTAMP,
  source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE teams (team_id VARCHAR PRIMARY KEY, name VARCHAR, parent_team_id VARCHAR,
  manager_id VARCHAR, source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE user_team_history (user_id VARCHAR, team_id VARCHAR, valid_from DATE, valid_to DATE);
CREATE TABLE territories (territory_id VARCHAR PRIMARY KEY, name VARCHAR,
  parent_territory_id VARCHAR, territory_type VARCHAR, region VARCHAR, segment VARCHAR,
  source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE territory_user_assignments (territory_id VARCHAR, user_id VARCHAR,
  role_in_territory VARCHAR, valid_from DATE, valid_to DATE, is_active BOOLEAN DEFAULT TRUE);
CREATE TABLE territory_account_assignments (territory_id VARCHAR, account_id VARCHAR,
  valid_from DATE, valid_to DATE, assignment_cause VARCHAR);
CREATE TABLE accounts (account_id VARCHAR PRIMARY KEY, name VARCHAR, domain VARCHAR,
  industry VARCHAR, employee_count INTEGER, annual_revenue DECIMAL(18,2), billing_country VARCHAR,
  owner_id VARCHAR, account_type VARCHAR, parent_account_id VARCHAR, territory_id VARCHAR,
  segment VARCHAR, created_at TIMESTAMP, updated_at TIMESTAMP, is_deleted BOOLEAN DEFAULT FALSE,
  is_test BOOLEAN DEFAULT FALSE, source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE contacts (contact_id VARCHAR PRIMARY KEY, account_id VARCHAR, email VARCHAR,
  first_name VARCHAR, last_name VARCHAR, owner_id VARCHAR, lifecycle_stage VARCHAR,
  lead_source VARCHAR, created_at TIMESTAMP, mql_at TIMESTAMP, sql_at TIMESTAMP,
  opportunity_at TIMESTAMP, updated_at TIMESTAMP, is_deleted BOOLEAN DEFAULT FALSE,
  source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE leads (lead_id VARCHAR PRIMARY KEY, source_object VARCHAR, email VARCHAR,
  company VARCHAR, owner_id VARCHAR, lead_source VARCHAR, status VARCHAR, created_at TIMESTAMP,
  mql_at TIMESTAMP, sql_at TIMESTAMP, is_converted BOOLEAN, converted_at TIMESTAMP,
  converted_account_id VARCHAR, converted_contact_id VARCHAR, converted_opportunity_id VARCHAR,
  campaign_id VARCHAR, updated_at TIMESTAMP, is_deleted BOOLEAN DEFAULT FALSE,
  source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE campaigns (campaign_id VARCHAR PRIMARY KEY, name VARCHAR, campaign_type VARCHAR,
  status VARCHAR, start_date DATE, end_date DATE, budgeted_cost DECIMAL(18,2),
  actual_cost DECIMAL(18,2), parent_campaign_id VARCHAR, source_system VARCHAR,
  source_id VARCHAR, extra JSON);
CREATE TABLE campaign_members (campaign_id VARCHAR, lead_id VARCHAR, contact_id VARCHAR,
  status VARCHAR, has_responded BOOLEAN, first_responded_at DATE, created_at TIMESTAMP);
CREATE TABLE products (product_id VARCHAR PRIMARY KEY, name VARCHAR, product_code VARCHAR,
  family VARCHAR, is_recurring BOOLEAN, default_billing_frequency VARCHAR, list_price DECIMAL(18,4),
  source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE opportunity_stages (pipeline_id VARCHAR, stage_name VARCHAR, stage_label VARCHAR,
  sort_order INTEGER, default_probability DECIMAL(5,4), is_closed BOOLEAN, is_won BOOLEAN,
  forecast_category VARCHAR, is_active BOOLEAN DEFAULT TRUE, PRIMARY KEY (pipeline_id, stage_name));
CREATE TABLE opportunities (opportunity_id VARCHAR PRIMARY KEY, name VARCHAR, account_id VARCHAR,
  owner_id VARCHAR, pipeline_id VARCHAR, stage_name VARCHAR, is_closed BOOLEAN, is_won BOOLEAN,
  forecast_category VARCHAR, probability DECIMAL(5,4), amount DECIMAL(18,4), currency_code VARCHAR,
  close_date DATE, created_at TIMESTAMP, deal_type VARCHAR, type_raw VARCHAR, lead_source VARCHAR,
  campaign_id VARCHAR, territory_id VARCHAR, next_step VARCHAR, lost_reason VARCHAR,
  recurring_amount DECIMAL(18,4), term_months INTEGER, last_activity_date DATE,
  updated_at TIMESTAMP, is_deleted BOOLEAN DEFAULT FALSE, is_test BOOLEAN DEFAULT FALSE,
  product_id VARCHAR, source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE opportunity_history (history_id VARCHAR PRIMARY KEY, opportunity_id VARCHAR,
  changed_at TIMESTAMP, changed_by VARCHAR, stage_name VARCHAR, amount DECIMAL(18,4),
  currency_code VARCHAR, close_date DATE, probability DECIMAL(5,4), forecast_category VARCHAR,
  prev_amount DECIMAL(18,4), prev_close_date DATE);
CREATE TABLE opportunity_field_history (history_id VARCHAR PRIMARY KEY, opportunity_id VARCHAR,
  field_name VARCHAR, old_value VARCHAR, new_value VARCHAR, changed_at TIMESTAMP,
  changed_by VARCHAR);
CREATE TABLE opportunity_line_items (line_item_id VARCHAR PRIMARY KEY, opportunity_id VARCHAR,
  product_id VARCHAR, product_code VARCHAR, product_family VARCHAR, quantity DECIMAL(18,4),
  unit_price DECIMAL(18,4), discount_pct DECIMAL(7,4), total_price DECIMAL(18,4),
  currency_code VARCHAR, is_recurring BOOLEAN, billing_frequency VARCHAR, term_months INTEGER,
  amount_basis VARCHAR, service_start_date DATE, service_end_date DATE, mrr DECIMAL(18,4),
  arr DECIMAL(18,4));
CREATE TABLE subscriptions (subscription_id VARCHAR PRIMARY KEY, account_id VARCHAR,
  opportunity_id VARCHAR, line_item_id VARCHAR, product_id VARCHAR, start_date DATE,
  end_date DATE, mrr DECIMAL(18,4), currency_code VARCHAR, quantity DECIMAL(18,4),
  status VARCHAR, cancelled_at DATE, source_system VARCHAR, source_id VARCHAR);
CREATE TABLE fx_rates (currency_code VARCHAR, start_date DATE, next_start_date DATE,
  units_per_corporate DECIMAL(18,8), PRIMARY KEY (currency_code, start_date));
CREATE TABLE fiscal_periods (period_type VARCHAR, fiscal_year INTEGER, number INTEGER,
  start_date DATE, end_date DATE);
CREATE TABLE quotas (quota_id VARCHAR PRIMARY KEY, owner_type VARCHAR, owner_id VARCHAR,
  period_start DATE, period_end DATE, quota_amount DECIMAL(18,4), currency_code VARCHAR,
  quota_measure VARCHAR DEFAULT 'bookings', product_family VARCHAR, source_system VARCHAR,
  source_id VARCHAR, extra JSON);
CREATE TABLE forecast_submissions (submission_id VARCHAR PRIMARY KEY, owner_type VARCHAR,
  owner_id VARCHAR, period_start DATE, period_end DATE, submitted_at TIMESTAMP, category VARCHAR,
  rollup VARCHAR, amount DECIMAL(18,4), currency_code VARCHAR);
CREATE TABLE pipeline_snapshots (snapshot_date DATE, opportunity_id VARCHAR, owner_id VARCHAR,
  stage_name VARCHAR, amount_corp DECIMAL(18,4), close_date DATE, forecast_category VARCHAR,
  probability DECIMAL(5,4), is_closed BOOLEAN, is_won BOOLEAN,
  PRIMARY KEY (snapshot_date, opportunity_id));
CREATE TABLE activities (activity_id VARCHAR PRIMARY KEY, activity_type VARCHAR, subtype VARCHAR,
  direction VARCHAR, status VARCHAR, is_completed BOOLEAN, is_automated BOOLEAN DEFAULT FALSE,
  owner_id VARCHAR, account_id VARCHAR, contact_id VARCHAR, lead_id VARCHAR,
  opportunity_id VARCHAR, occurred_at TIMESTAMP, due_date DATE, created_at TIMESTAMP,
  duration_seconds INTEGER, outcome VARCHAR, is_deleted BOOLEAN DEFAULT FALSE,
  source_system VARCHAR, source_id VARCHAR, extra JSON);
CREATE TABLE ledger_entries (entry_id VARCHAR PRIMARY KEY, source_system VARCHAR,
  document_type VARCHAR, document_id VARCHAR, account_id VARCHAR, opportunity_id VARCHAR,
  posting_date DATE, amount DECIMAL(18,4), currency_code VARCHAR, revenue_category VARCHAR,
  gl_account VARCHAR, gl_category VARCHAR);
CREATE TABLE tool_licenses (tool_name VARCHAR, license_type VARCHAR, period_start DATE,
  period_end DATE, seats_purchased INTEGER, cost_per_seat DECIMAL(18,2));
CREATE TABLE license_assignments (tool_name VARCHAR, user_id VARCHAR, license_type VARCHAR,
  assigned_from DATE, assigned_to DATE);
CREATE TABLE usage_events (event_id VARCHAR PRIMARY KEY, tool_name VARCHAR, user_id VARCHAR,
  occurred_at TIMESTAMP, event_type VARCHAR, object_type VARCHAR, record_id VARCHAR);
CREATE TABLE ops_requests (request_id VARCHAR PRIMARY KEY, request_type VARCHAR,
  requester_id VARCHAR, assignee_id VARCHAR, priority VARCHAR, created_at TIMESTAMP,
  first_response_at TIMESTAMP, resolved_at TIMESTAMP, status VARCHAR, sla_due_at TIMESTAMP,
  sla_hours DECIMAL(10,2), resolution_method VARCHAR, source_system VARCHAR, source_id VARCHAR);
CREATE TABLE integration_sync_log (sync_id VARCHAR PRIMARY KEY, source_system VARCHAR,
  target_system VARCHAR, object_type VARCHAR, record_id VARCHAR, started_at TIMESTAMP,
  finished_at TIMESTAMP, status VARCHAR, error_message VARCHAR);
CREATE TABLE dq_rules (rule_id VARCHAR PRIMARY KEY, table_name VARCHAR, dimension VARCHAR,
  severity VARCHAR, description VARCHAR, applies_sql VARCHAR, pass_sql VARCHAR,
  min_pass_fraction DECIMAL(5,4));
CREATE TABLE dq_results (run_id VARCHAR, rule_id VARCHAR, table_name VARCHAR, record_id VARCHAR,
  applicable BOOLEAN, passed BOOLEAN, evaluated_at TIMESTAMP);

-- Import bookkeeping: one row per run, and every row that could not be stored, with why.
CREATE TABLE import_runs (import_id VARCHAR PRIMARY KEY, started_at TIMESTAMP,
  finished_at TIMESTAMP, mapping VARCHAR, source VARCHAR, status VARCHAR, summary JSON);
CREATE TABLE import_rejects (import_id VARCHAR, table_name VARCHAR, file_name VARCHAR,
  row_number BIGINT, column_name VARCHAR, reason VARCHAR, raw_row JSON);
