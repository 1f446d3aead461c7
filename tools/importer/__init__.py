"""`revops import`: load CRM exports into the canonical warehouse through a TOML mapping.

See docs/import.md for the mapping format. The entry point is `run_import`; fatal problems
raise `ImportFailed` (or its subclasses `MappingError`, `SourceError`) and change nothing.
"""

from tools.importer.errors import ImportFailed, MappingError, SourceError
from tools.importer.mapping import Mapping, load_mapping, parse_mapping, preset_names
from tools.importer.run import run_import
from tools.importer.summary import ImportSummary, LoadReport, Notice, RejectGroup, TableCounts

__all__ = [
    "ImportFailed",
    "ImportSummary",
    "LoadReport",
    "Mapping",
    "MappingError",
    "Notice",
    "RejectGroup",
    "SourceError",
    "TableCounts",
    "load_mapping",
    "parse_mapping",
    "preset_names",
    "run_import",
]
