"""Tool knobs (params.options) of the movement tools: declared with a type, a default and a
range, checked before any SQL runs so a bad value becomes a question back, not an error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tools.base import MAX_DATE, MIN_DATE, MetricParams, ToolInputError


@dataclass(frozen=True)
class Option:
    """A tool knob in params.options: its type, default and allowed range."""

    kind: type
    default: Any
    low: float | None = None
    high: float | None = None


def read_options(params: MetricParams, spec: dict[str, Option]) -> dict[str, Any]:
    """Return the tool's options with defaults filled in; reject unknown or invalid values."""
    unknown = sorted(set(params.options) - set(spec))
    if unknown:
        raise ToolInputError(f"unknown option {', '.join(unknown)}", options=sorted(spec))
    out = {}
    for name, opt in spec.items():
        value = _coerce(name, opt, params.options.get(name, opt.default))
        if isinstance(value, float) and value != value:  # NaN passes no range
            raise ToolInputError(f"option {name} must be a number")
        if value is not None and ((opt.low is not None and value < opt.low)
                                  or (opt.high is not None and value > opt.high)):
            raise ToolInputError(f"option {name} must be between {opt.low} and {opt.high}")
        out[name] = value
    return out


def _coerce(name: str, opt: Option, raw: Any) -> Any:
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
    raise ToolInputError(f"option {name} must be a {opt.kind.__name__}, not {raw!r}")
