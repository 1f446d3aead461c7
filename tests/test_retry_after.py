"""Retry-After in both RFC 9110 forms, for the model client and the outbox alike."""

from datetime import UTC, datetime

import httpx
import pytest

from agent.retry_after import retry_after_seconds

NOW = datetime(2026, 12, 6, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Retry-After": "7"}, 7.0),
    ({"retry-after": "0"}, 0.0),
    ({"Retry-After": "-3"}, 0.0),
    ({"Retry-After": "Sun, 06 Dec 2026 12:00:30 GMT"}, 30.0),
    ({"Retry-After": "Sun, 06 Dec 2026 11:59:00 GMT"}, 0.0),  # a date in the past: go now
    ({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5),
    ({"Retry-After": "soon"}, None),
    ({"Retry-After": ""}, None),
    ({}, None),
    (None, None),
])
def test_retry_after_forms(headers, expected):
    assert retry_after_seconds(headers, now=NOW) == expected


def test_httpx_headers_are_read_case_insensitively():
    headers = httpx.Headers({"RETRY-AFTER": "Sun, 06 Dec 2026 12:01:00 GMT"})
    assert retry_after_seconds(headers, now=NOW) == 60.0
