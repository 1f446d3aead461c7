"""intake: give the request an id and an as-of date; trim the question."""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context
from agent.state import State


def intake(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Normalize the request envelope (not the words: classify reads them verbatim)."""
    return {
        "question": " ".join(state.question.split()),
        "request_id": state.request_id or uuid.uuid4().hex,
        "as_of": state.as_of or runtime.context.today,
    }
