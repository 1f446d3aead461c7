"""CRM data quality: a rule catalog (rules.toml), its runner, run history and the report.

`revops check` (tools.quality.cli.check_command) runs every rule, records the run and prints
the report; `data_accuracy_value` gives the scorecard the latest recorded data accuracy rate
(docs/metrics.md#m70); the read-only tools live in tools.metrics.data_quality.accuracy.
"""

from tools.quality.catalog import Catalog, Rule, RuleError
from tools.quality.history import data_accuracy_value
from tools.quality.loader import load_catalog
from tools.quality.model import RunResult
from tools.quality.runner import default_as_of, run_checks

__all__ = ["Catalog", "Rule", "RuleError", "RunResult", "data_accuracy_value", "default_as_of",
           "load_catalog", "run_checks"]
