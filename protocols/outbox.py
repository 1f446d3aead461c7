"""Deliver stored escalations to the hub or a peer, at least once, never lost.

Every pending escalation that is due is POSTed as JSON with a stable `Idempotency-Key` (the same
on every retry and after a restart), so a receiver that honours the key stores it exactly once.
Failures that may pass (connection refused, timeouts, 408/429/5xx) are retried with exponential
backoff, across passes and processes, until `max_tries`; a refusal that will not pass (another
4xx, a redirect) is dead at once. Dead escalations stay in the store for `revops outbox retry`.

Several outboxes (service replicas, a CLI run) may share one store: each claims what it sends
for `lease` seconds (longer than a request may take), so no escalation is sent by two at once,
and one whose sender died is sent by another once the claim lapses, under the same key.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx
from pydantic import BaseModel

from agent.retry_after import retry_after_seconds
from protocols.store import EscalationRecord, TaskStore, utcnow
from tools.settings import HUB, ServiceSettings

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Outcome = Literal["delivered", "retry", "dead", "skipped"]

ACCEPTED_CLIENT_ERRORS = {409}
"""The receiver already has this key: delivered."""
RETRYABLE_CLIENT_ERRORS = {408, 425, 429}


class DeliveryResult(BaseModel):
    """What one delivery attempt did."""

    escalation_id: str
    target: str
    outcome: Outcome
    url: str | None = None
    status_code: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


class Outbox:
    """Deliver the store's pending escalations over HTTP (one pass, or a background loop)."""

    def __init__(self, store: TaskStore, endpoints: Mapping[str, str], *, max_tries: int = 8,
                 base_delay: float = 2.0, max_delay: float = 600.0, jitter: float = 0.1,
                 timeout: float = 10.0, tokens: Mapping[str, str] | None = None,
                 http_client: httpx.Client | None = None, clock: Clock = utcnow,
                 source: str = "revops-agent", lease: float = 60.0,
                 owner: str | None = None) -> None:
        """Deliver escalations from `store` to `endpoints` (target name -> URL).

        Targets without their own URL go to the hub's ("central-coordination"). `tokens` maps a
        target to a bearer token, sent only to that target's URL. `jitter` spreads retries of
        many escalations by up to that fraction of the delay. `lease` is how long a claim on an
        escalation being sent holds (it must outlast `timeout`); `owner` names this sender in
        the store (default: host, pid and a random suffix).
        """
        if max_tries < 1:
            raise ValueError("max_tries must be at least 1")
        if lease <= timeout:
            raise ValueError(f"the lease ({lease} s) must be longer than the timeout "
                             f"({timeout} s), or a slow send could be repeated by another sender")
        self.store = store
        self.endpoints = dict(endpoints)
        self.tokens = dict(tokens or {})
        self.max_tries = max_tries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.jitter = jitter
        self.clock = clock
        self.source = source
        self.lease = timedelta(seconds=lease)
        self.owner = owner or sender_id()
        self._own_client = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._pass_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, store: TaskStore, settings: ServiceSettings, **kwargs: Any) -> Outbox:
        """Build an outbox from the environment's settings (keyword arguments override)."""
        options: dict[str, Any] = dict(
            max_tries=settings.outbox_max_tries, base_delay=settings.outbox_base_delay,
            max_delay=settings.outbox_max_delay, timeout=settings.outbox_timeout,
            tokens=settings.tokens(), lease=settings.lease_seconds)
        return cls(store, settings.endpoints(), **(options | kwargs))

    # --- routing and policy -------------------------------------------------------------------

    def route(self, target: str) -> tuple[str | None, str | None]:
        """Return (url, bearer token) for a target: its own endpoint, else the hub's."""
        name = target if target in self.endpoints else HUB
        return self.endpoints.get(name), self.tokens.get(name)

    def backoff(self, attempts: int) -> float:
        """Return seconds to wait after the `attempts`-th failed attempt (doubling, capped)."""
        # Not tenacity: the attempt count lives in the store across passes and processes.
        delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
        return delay * (1 + random.uniform(0, self.jitter)) if self.jitter else delay

    def payload(self, e: EscalationRecord) -> dict[str, Any]:
        """Return the JSON body sent for an escalation."""
        return {"escalation_id": e.escalation_id, "idempotency_key": e.idempotency_key,
                "task_id": e.task_id, "source": self.source, "kind": e.kind,
                "category": e.category,
                "target": e.target, "reason": e.reason, "request": e.request,
                "requester": e.requester, "context": e.context,
                "created_at": e.created_at.isoformat(), "attempt": e.attempts + 1}

    # --- delivery -----------------------------------------------------------------------------

    def deliver_due(self, limit: int = 100) -> list[DeliveryResult]:
        """Attempt every pending escalation that is due now and that no other sender holds,
        once; return what happened."""
        with self._pass_lock:
            now = self.clock()
            claimed = self.store.claim_due(now, owner=self.owner, lease_until=now + self.lease,
                                           limit=limit)
            return [self._attempt(e) for e in claimed]

    def deliver(self, escalation_id: str) -> DeliveryResult:
        """Attempt one pending escalation now, due or not (unless another sender holds it)."""
        e = self.store.escalation(escalation_id)
        if e is None:
            raise KeyError(escalation_id)
        if e.state != "pending":
            return DeliveryResult(escalation_id=e.escalation_id, target=e.target,
                                  outcome="skipped", error=f"already {e.state}")
        with self._pass_lock:
            now = self.clock()
            claimed = self.store.claim(escalation_id, now, owner=self.owner,
                                       lease_until=now + self.lease)
            if claimed is None:
                now_e = self.store.escalation(escalation_id) or e
                why = (f"already {now_e.state}" if now_e.state != "pending"
                       else f"being sent by {now_e.lease_owner}")
                return DeliveryResult(escalation_id=e.escalation_id, target=e.target,
                                      outcome="skipped", error=why)
            return self._attempt(claimed)

    def retry(self, escalation_id: str) -> DeliveryResult:
        """Re-queue a dead (or pending) escalation with a fresh try budget and attempt it now."""
        self.store.requeue(escalation_id, self.clock())
        return self.deliver(escalation_id)

    def retry_dead(self) -> list[DeliveryResult]:
        """Re-queue every dead escalation and attempt each now."""
        return [self.retry(e.escalation_id) for e in self.store.escalations("dead")]

    def _attempt(self, e: EscalationRecord) -> DeliveryResult:
        url, token = self.route(e.target)
        if url is None:
            # No endpoint is a configuration gap, not a failed attempt: keep it pending, unspent.
            error = f"no endpoint for {e.target!r} and no hub URL (set REVOPS_HUB_URL)"
            self.store.note_error(e.escalation_id, error, owner=self.owner)
            return DeliveryResult(escalation_id=e.escalation_id, target=e.target,
                                  outcome="skipped", error=error)
        headers = {"Idempotency-Key": e.idempotency_key}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        base: dict[str, Any] = {"escalation_id": e.escalation_id, "target": e.target, "url": url}
        try:
            response = self._http.post(url, json=self.payload(e), headers=headers)
        except httpx.HTTPError as exc:
            return self._failed(e, f"{type(exc).__name__}: {exc}", base)
        code = response.status_code
        if 200 <= code < 300 or code in ACCEPTED_CLIENT_ERRORS:
            self.store.mark_delivered(e.escalation_id, self.clock())
            log.info("escalation %s delivered to %s (%s)", e.escalation_id, url, code)
            return DeliveryResult(outcome="delivered", status_code=code, **base)
        error = f"HTTP {code}: {_snippet(response)}"
        if code >= 500 or code in RETRYABLE_CLIENT_ERRORS:
            return self._failed(e, error, base, status_code=code,
                                retry_after=retry_after_seconds(response.headers))
        self.store.mark_dead(e.escalation_id, error, owner=self.owner)
        log.warning("escalation %s refused by %s: %s", e.escalation_id, url, error)
        return DeliveryResult(outcome="dead", status_code=code, error=error, **base)

    def _failed(self, e: EscalationRecord, error: str, base: dict[str, Any], *,
                status_code: int | None = None, retry_after: float | None = None
                ) -> DeliveryResult:
        attempts = e.attempts + 1
        if attempts >= self.max_tries:
            error = f"{error} (gave up after {attempts} attempts)"
            self.store.mark_dead(e.escalation_id, error, owner=self.owner)
            log.warning("escalation %s dead: %s", e.escalation_id, error)
            return DeliveryResult(outcome="dead", status_code=status_code, error=error, **base)
        delay = max(self.backoff(attempts), min(retry_after or 0.0, self.max_delay))
        at = self.clock() + timedelta(seconds=delay)
        self.store.mark_retry(e.escalation_id, error, at, owner=self.owner)
        log.info("escalation %s not delivered (%s); retry at %s", e.escalation_id, error, at)
        return DeliveryResult(outcome="retry", status_code=status_code, error=error,
                              next_attempt_at=at, **base)

    # --- background loop ----------------------------------------------------------------------

    def start(self, interval: float = 5.0) -> None:
        """Run delivery passes every `interval` seconds in a daemon thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(interval,),
                                        name="revops-outbox", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run the next pass now (e.g. right after a task escalated)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the background loop after its current pass."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
            except Exception:  # noqa: BLE001 - the loop must outlive a bad pass; state is kept
                log.exception("outbox delivery pass failed")
            self._wake.wait(interval)
            self._wake.clear()

    def close(self) -> None:
        """Stop the loop and close the HTTP client if the outbox made it (not the store)."""
        self.stop()
        if self._own_client:
            self._http.close()

    def __enter__(self) -> Outbox:
        """Use the outbox as a context manager that closes it."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the outbox."""
        self.close()


def sender_id() -> str:
    """Return a name for this process in claims: host, pid and a random suffix (a restarted
    process with a recycled pid is still someone else)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _snippet(response: httpx.Response, limit: int = 300) -> str:
    text = " ".join(response.text.split())
    return (text[:limit] + "…") if len(text) > limit else (text or response.reason_phrase)
