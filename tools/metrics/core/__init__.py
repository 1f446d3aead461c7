"""What every metric area shares: the MetricSpec engine (engine.py), the record-level engine
(records.py, records_sql.py), periods (periods.py) and the caveats read off a result
(warnings.py)."""
