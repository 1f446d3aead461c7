"""How long a server asked us to wait: the Retry-After header in both of its RFC 9110 forms.

Shared by the model client and the escalation outbox, so neither ignores the HTTP-date form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(headers: Mapping[str, str] | None,
                        now: datetime | None = None) -> float | None:
    """Seconds asked for by `retry-after-ms` (OpenAI's) or `Retry-After` (delta-seconds or an
    HTTP date, measured from `now`), never negative; None when absent or unreadable."""
    if headers is None:
        return None
    if (ms := _header(headers, "retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; an obsolete form may lack the zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:  # plain dicts are case-sensitive; httpx.Headers is not
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value.strip() if isinstance(value, str) and value.strip() else None
