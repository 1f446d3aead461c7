"""Render generator parameters and catalog constants as SQL (temp macros and tiny tables).

Values become literals rather than bound parameters because DuckDB macros cannot take bound
parameters; every value here is an int, Decimal-like string, date, bool or a catalog string, and
strings are quoted by `literal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from tools.demo import catalog


def literal(value: object) -> str:
    """Return a DuckDB SQL literal for a Python value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return f"CAST('{value.isoformat()}' AS DATE)"
    text = str(value).replace("'", "''")
    return f"'{text}'"


def values_table(name: str, columns: Sequence[str], rows: Iterable[Sequence[object]],
                 types: dict[str, str] | None = None) -> str:
    """CREATE TEMP TABLE name AS SELECT * FROM (VALUES ...)."""
    body = ",\n".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)
    select = ", ".join(f"CAST({c} AS {types[c]}) AS {c}" if types and c in types else c
                       for c in columns)
    return (f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select} "
            f"FROM (VALUES {body}) v({', '.join(columns)})")


def param_macros(params: dict[str, object]) -> list[str]:
    """One constant temp macro per generator parameter."""
    return [f"CREATE OR REPLACE TEMP MACRO {k}() AS {literal(v)}" for k, v in params.items()]


def _list_macro(name: str, values: Sequence[object]) -> str:
    return f"CREATE OR REPLACE TEMP MACRO {name}() AS [{', '.join(literal(v) for v in values)}]"


def reference_tables() -> list[str]:
    """Catalog constants as temp tables (d_*) and list macros (w_*)."""
    countries = " ".join(
        f"WHEN {literal(region)} THEN [{', '.join(literal(c) for c in names)}]"
        f"[1 + least(floor(x * {len(names)}), {len(names) - 1})::INTEGER]"
        for region, names in catalog.COUNTRIES.items())
    eur = ", ".join(literal(c) for c in catalog.EUR_COUNTRIES)
    gbp = ", ".join(literal(c) for c in catalog.GBP_COUNTRIES)
    return [
        values_table("d_territory", ("territory_id", "name"), catalog.TERRITORIES),
        values_table("d_team_raw", ("team_no", "team_id", "team_name", "territory_id", "kind",
                                    "share"), catalog.TEAMS, {"share": "DECIMAL(4, 2)"}),
        values_table("d_stage", ("stage_no", "stage_name", "probability", "is_closed", "is_won",
                                 "forecast_category"), catalog.STAGES,
                     {"probability": "DECIMAL(5, 4)"}),
        values_table("d_product", ("product_no", "product_id", "name", "code", "family",
                                   "is_recurring", "freq", "list_usd"), catalog.PRODUCTS,
                     {"list_usd": "DECIMAL(18, 4)"}),
        values_table("d_tool", ("tool_no", "tool_name", "license_type", "cost_per_seat"),
                     catalog.TOOLS, {"cost_per_seat": "DECIMAL(18, 2)"}),
        _list_macro("w_first", catalog.FIRST_NAMES),
        _list_macro("w_last", catalog.LAST_NAMES),
        _list_macro("w_prefix", catalog.NAME_PREFIXES),
        _list_macro("w_stem", catalog.NAME_STEMS),
        _list_macro("w_suffix", catalog.NAME_SUFFIXES),
        _list_macro("w_industry", catalog.INDUSTRIES),
        f"CREATE OR REPLACE TEMP MACRO p_slow_region() AS {literal(catalog.SLOW_REGION)}",
        f"CREATE OR REPLACE TEMP MACRO p_under_team() AS {literal(catalog.UNDER_ADOPTING_TEAM)}",
        f"CREATE OR REPLACE TEMP MACRO p_under_tool() AS {literal(catalog.UNDER_ADOPTED_TOOL)}",
        f"CREATE OR REPLACE TEMP MACRO country_of(region, x) AS CASE region {countries} END",
        f"CREATE OR REPLACE TEMP MACRO currency_of(country) AS CASE WHEN country IN ({eur}) "
        f"THEN 'EUR' WHEN country IN ({gbp}) THEN 'GBP' ELSE 'USD' END",
    ]
