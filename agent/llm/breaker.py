"""A circuit breaker: after repeated failures, stop calling the model for a while."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    """Open after `threshold` consecutive failed calls; let one trial through after `cooldown`.

    While open, callers fail fast instead of spending the question's deadline on a server that
    is down. A success closes it; a failed trial opens it for another cooldown.
    """

    def __init__(
        self,
        threshold: int = 3,
        cooldown: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """Whether calls are refused right now (open and still cooling down)."""
        with self._lock:
            return self._refusing()

    def allow(self) -> bool:
        """Whether a call may go out now (closed, or open but past its cooldown: a trial)."""
        with self._lock:
            return not self._refusing()

    def record_success(self) -> None:
        """Close the circuit."""
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        """Count a failed call; open (again) at the threshold."""
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self._clock()

    def _refusing(self) -> bool:
        return self._opened_at is not None and self._clock() - self._opened_at < self.cooldown
