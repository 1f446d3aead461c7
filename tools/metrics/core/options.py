"""Tool knobs (params.options), the one reader every tool uses: each tool declares its own
with a type, a default and the allowed range or choices, and reads them before any SQL runs,
so a typo or a bad value becomes a question back, never a silently ignored knob or an error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tools.base import MAX_DATE, MIN_DATE, MetricParams, ToolInputError

KINDS: dict[type, str] = {int: "a whole number", float: "a number", str: "text",
                         bool: "true or false"}
"""How an error names each option type."""


@dataclass(frozen=True)
class Option:
    """A tool knob in params.options: its type, default, inclusive range or allowed values."""

    kind: type
    default: Any = None
    """None means "not set" (the tool decides)."""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    normal: Callable[[Any], Any] | None = None
    """Maps the spellings of one value to one ("commit" and "commit_forecast"), after typing."""


def read_options(params: MetricParams, tool: str,
                 declared: Mapping[str, Option]) -> dict[str, Any]:
    """Return the tool's options, typed, with defaults filled in; reject unknown names and bad
    values (wrong type, NaN, out of range, not one of the choices)."""
    unknown = sorted(set(params.options) - set(declared))
    if unknown:
        raise ToolInputError(f"{tool} has no option {', '.join(unknown)}",
                             options=sorted(declared))
    out = {}
    for name, opt in declared.items():
        value = _coerce(name, opt, params.options.get(name, opt.default))
        if opt.normal is not None and value is not None:
            value = opt.normal(value)
        if isinstance(value, float) and value != value:  # NaN passes no range
            raise ToolInputError(f"option {name} must be a number")
        if value is not None and ((opt.low is not None and value < opt.low)
                                  or (opt.high is not None and value > opt.high)):
            raise ToolInputError(f"option {name} must be between {opt.low} and {opt.high}, "
                                 f"not {value}")
        if opt.choices and value not in opt.choices:
            raise ToolInputError(f"option {name} must be one of {', '.join(opt.choices)}",
                                 options=list(opt.choices))
        out[name] = value
    return out


def _coerce(name: str, opt: Option, raw: Any) -> Any:
    """The value as `opt.kind`: a whole float or a numeric string as an int, an int as a float,
    an ISO string as a date; anything else (a fractional int, a bool as a number) is refused."""
    if raw is None or isinstance(raw, opt.kind) and not isinstance(raw, bool) or \
            opt.kind is bool and isinstance(raw, bool):
        return raw
    try:
        if opt.kind is date and isinstance(raw, str):
            day = date.fromisoformat(raw)
            if MIN_DATE <= day <= MAX_DATE:
                return day
        if opt.kind is int and isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if opt.kind is float and isinstance(raw, int) and not isinstance(raw, bool):
            return float(raw)
        if opt.kind in (int, float) and isinstance(raw, str):
            return opt.kind(raw)
    except ValueError:
        pass
    if opt.kind is date:
        raise ToolInputError(f"option {name} must be a date YYYY-MM-DD between {MIN_DATE} and "
                             f"{MAX_DATE}, not {raw!r}")
    raise ToolInputError(f"option {name} must be {KINDS.get(opt.kind, opt.kind.__name__)}, "
                         f"not {raw!r}")
