"""intake: give the request an id and an as-of date; trim the question; start a new turn.

Under LangGraph Server with auth configured (langgraph.json), the requester is the
authenticated user the server passes in the run's config, not whatever the input says.
"""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from agent.context import Context
from agent.state import State
from tools.access import requester_of

AUTH_USER_KEY = "langgraph_auth_user"
"""Where LangGraph Server puts the authenticated user (protocols/langgraph_auth.py) in a run's
config["configurable"]."""
TURN_FIELDS = ("plan", "clarification", "decision", "result", "error", "answer", "escalation",
               "response", "question_in_scope", "escalation_note")
"""What each turn writes afresh; in a thread the checkpointer still holds the last turn's."""


def intake(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Normalize the request envelope (not the words: classify reads them verbatim).

    In a conversation the state still holds the previous turn: its plan becomes the context a
    follow-up is read against (classify keeps what it asked back, for the reply).
    """
    server_user = get_config().get("configurable", {}).get(AUTH_USER_KEY)
    return {
        # spaces tidied, lines kept: a task message's "key: value" lines are its structure
        "question": "\n".join(" ".join(line.split()) for line in state.question.splitlines()
                              if line.strip()),
        "requester": requester_of(server_user) if server_user is not None else state.requester,
        "request_id": state.request_id or uuid.uuid4().hex,
        "as_of": state.as_of or runtime.context.today,
        "previous_plan": state.plan or state.previous_plan,
        "notices": [],
        "answered_by": "template",
        "llm_deadline": runtime.context.llm.deadline() if runtime.context.llm else None,
        **dict.fromkeys(TURN_FIELDS),
    }
