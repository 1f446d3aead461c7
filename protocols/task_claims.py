"""One server answers a task id at a time, however many share the task store.

Before a server answers a task it claims the task id in the store (`TaskStore.claim_task`). While
another server holds the claim it waits for the answer that server records (a different body
under the id is a conflict, a 409), or for the claim to lapse because that server died, then
answers itself. The claim is renewed while the work runs and dropped if the work fails, so a
retry is answered at once instead of after the lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from agent.response import AgentResponse
from protocols.store import TaskRecord, TaskStore, utcnow

log = logging.getLogger(__name__)


class TaskConflict(Exception):
    """The task id is being answered elsewhere for a different request body (a 409)."""


async def claimed(store: TaskStore, task_id: str, body: dict[str, Any],
                  work: Coroutine[Any, Any, AgentResponse], *, owner: str, lease_s: float,
                  poll_s: float) -> AgentResponse:
    """Run `work` under `owner`'s claim on `task_id` (renewed every third of `lease_s`); return
    its answer, or the answer another server recorded for the same body (raise TaskConflict for
    a different body; look for it every `poll_s` seconds)."""
    lease = timedelta(seconds=lease_s)
    try:
        while True:
            now = utcnow()
            got = await asyncio.to_thread(store.claim_task, task_id, body, owner=owner,
                                          now=now, lease_until=now + lease)
            if isinstance(got, TaskRecord):  # answered elsewhere since the caller looked
                if got.request != body:
                    raise TaskConflict(task_id)
                return AgentResponse.model_validate(got.response)
            if got.owner == owner:
                break
            if got.request != body:
                raise TaskConflict(task_id)
            await asyncio.sleep(poll_s)
    except BaseException:
        work.close()  # never started: no "coroutine was never awaited" warning
        raise
    renewing = asyncio.ensure_future(_renew(store, task_id, owner, lease))
    try:
        return await work
    except BaseException:
        await asyncio.shield(asyncio.to_thread(store.release_task, task_id, owner=owner))
        raise
    finally:
        renewing.cancel()


async def _renew(store: TaskStore, task_id: str, owner: str, lease: timedelta) -> None:
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        held = await asyncio.to_thread(store.renew_task, task_id, owner=owner,
                                       lease_until=utcnow() + lease)
        if not held:
            log.warning("lost the claim on task %s (another server took it over)", task_id)
            return
