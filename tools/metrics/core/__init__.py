"""What every metric area shares: the one result envelope (envelope.py), the declarations
(spec.py: MetricSpec and ToolSpec; frame.py: RecordSpec), the option reader (options.py), the
MetricSpec engine (engine.py), the record-level engine (records.py, records_sql.py), periods
(periods.py), owner rollups (owners.py), snapshots (snapshots.py) and the caveats read off a
result (warnings.py)."""
