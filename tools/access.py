"""Access policy: which rows a requester may see, enforced around every tool run.

Roles revops, exec, finance and hub see every row. A `rep` sees the records they own; a
`manager` sees the records of the reps who report to them (users.manager_id) and their own.
`row_scope` turns the requester dict every path carries (graph state, REST/A2A task, MCP
request) into a `RowScope`; `tools.registry.run_tool` applies it, so the graph, REST explicit
tool calls and MCP share one mechanism.

The scope is one mandatory owner filter, `rep in (<the reps in scope>)`, rather than
`manager = <name>`: rep is the finest owner dimension, every tool that can split by owner can
filter by it, and a rep list also covers a manager's own deals. Only a tool that splits by
manager but not by rep (team distribution) gets `manager = <name>` for a manager. A tool that
cannot be limited to an owner (company-wide tools: ARR, data issues, integrations, scorecard)
is refused for a restricted role, and so is a request that names another rep, manager, team,
region or territory: out-of-scope data is refused, not silently filtered. After the run the
result must show the filter was applied (its values in the SQL as executed, no foreign rep in
the rows), so a tool that ignores filters in some mode is refused instead of leaking.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.base import (
    OWNER_DIMENSIONS,
    Dimension,
    Filter,
    MetricParams,
    MetricResult,
    Tool,
    ToolInputError,
    Warning,
)
from tools.query import literal

log = logging.getLogger(__name__)

Role = Literal["revops", "exec", "finance", "manager", "rep", "hub"]
ROLES: tuple[str, ...] = ("revops", "exec", "finance", "manager", "rep", "hub")
UNRESTRICTED_ROLES = frozenset({"revops", "exec", "finance", "hub"})
"""Roles that see every row."""
SCOPED_CODE = "ACCESS_SCOPED"
"""Warning code on every answer limited to the requester's records."""
INSTEAD = ("Ask about your own deals, pipeline, quota or activity, or ask someone with a revops, "
           "exec or finance role.")


class Identity(BaseModel):
    """Who a token belongs to: the requester the access policy scopes rows by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200)
    role: Role
    name: str | None = Field(default=None, max_length=200)
    """Display name; for a rep or manager, their name as in the CRM users table."""

    def requester(self) -> dict[str, Any]:
        """Return the requester dict the graph and the task store take."""
        return self.model_dump(exclude_none=True)


class AccessDenied(ToolInputError):
    """The requester may not see the data a request names, or this tool's data at all.

    A ToolInputError, so a caller that only knows those still refuses to answer; the paths map
    it to status `refused` (graph, A2A), 403 (REST tool calls) or an MCP error result.
    """

    def __init__(self, message: str, instead: str | None = None) -> None:
        super().__init__(message)
        self.instead = instead


class RowScope(BaseModel):
    """The rows a restricted requester may see; None in its place means every row."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requester_id: str
    role: str
    name: str | None = None
    """The person as named in the CRM (users.full_name); None when not found."""
    reps: tuple[str, ...] = ()
    """Rep labels (v_reps.rep, as v_opps shows them) whose records are in scope."""
    own: dict[Dimension, frozenset[str]] = {}
    """Per owner dimension, the labels (casefolded) that are the requester's own: their reps,
    their team(s), their or their manager's name, their region and territory."""
    denied: str | None = None
    """Why nothing at all may be shown (unknown person, invalid requester)."""

    def restrict(self, tool: Tool, params: MetricParams) -> tuple[MetricParams, Filter]:
        """Return the params with the mandatory owner filter, and that filter.

        Raises AccessDenied when the requester may not use the tool or the params name
        another owner's data.
        """
        if self.denied:
            raise AccessDenied(self.denied)
        for f in params.filters:
            if f.exclude or f.dimension not in OWNER_DIMENSIONS:
                continue  # dropping rows or narrowing by deal attributes shows nothing extra
            mine = self.own.get(f.dimension, frozenset())
            other = [v for v in f.values if v.casefold() not in mine]
            if other:
                raise AccessDenied(
                    f"you can see only {self._whose()}, and this asks about "
                    f"{f.dimension.value} {', '.join(other)}.",
                    instead=f"Ask the same about {self._whose()} (leave out "
                            f"{', '.join(other)}), or ask someone with a revops, exec or "
                            "finance role.")
        owner = self.owner_filter(tool)
        return params.model_copy(update={"filters": [*params.filters, owner]}), owner

    def owner_filter(self, tool: Tool) -> Filter:
        """Return the filter that limits this tool to the scope, or refuse the tool."""
        if Dimension.rep in tool.group_by:
            return Filter(dimension=Dimension.rep, values=list(self.reps))
        if self.role == "manager" and self.name and Dimension.manager in tool.group_by:
            return Filter(dimension=Dimension.manager, values=[self.name])
        raise AccessDenied(
            f"{tool.title} ({tool.name}) covers the whole company and cannot be limited to "
            f"{self._whose()} (role {self.role}).",
            instead=INSTEAD)

    def unscopable(self, tool: Tool, why: str) -> AccessDenied:
        """Return the refusal for a tool that cannot apply the owner filter in this mode."""
        return AccessDenied(f"{tool.title} ({tool.name}) cannot be limited to {self._whose()} "
                            f"here: {why}.", instead=INSTEAD)

    def vouch(self, tool: Tool, result: MetricResult, applied: Filter) -> MetricResult:
        """Check the tool applied the filter; return the result with the scope noted."""
        missing = [v for v in applied.values if literal(v) not in result.sql]
        reps = {r.casefold() for r in self.reps}
        foreign: list[str] = []
        if "rep" in result.columns and applied.dimension == Dimension.rep:
            at = result.columns.index("rep")
            foreign = sorted({str(r[at]) for r in result.rows
                              if r[at] is not None and str(r[at]).casefold() not in reps})
        if missing or foreign:
            log.warning("%s ignored the row scope of %s (values missing from its SQL: %s; "
                        "rows of other reps: %s)", tool.name, self.requester_id, missing,
                        foreign)
            raise self.unscopable(tool, "its result does not show the owner filter applied")
        note = Warning(code=SCOPED_CODE, message=f"Scoped to {self._whose()} (role "
                                                 f"{self.role}): {self._members()}.")
        return result.model_copy(update={"warnings": [*result.warnings, note]})

    def _whose(self) -> str:
        return "your team's records" if self.role == "manager" else "your records"

    def _members(self) -> str:
        if self.role == "manager":
            return (f"only records owned by {self.name} and the {len(self.reps) - 1} reps who "
                    "report to them are counted")
        return f"only records owned by {self.name} are counted"


def row_scope(requester: Mapping[str, Any] | None,
              con: duckdb.DuckDBPyConnection) -> RowScope | None:
    """Return the row scope of a requester (None: sees every row).

    No requester (the CLI, a local stdio MCP server) and the unrestricted roles see every row.
    A rep or manager is found in the CRM users by name (else by id or email); one that cannot
    be found sees nothing, with the reason.
    """
    if requester is None:
        return None
    try:
        who = Identity.model_validate(dict(requester))
    except ValidationError as exc:
        return RowScope(requester_id=str(requester.get("id", "?")),
                        role=str(requester.get("role", "?")),
                        denied=f"the requester is not valid ({exc.error_count()} errors): "
                               "it needs an id and one of the known roles")
    if who.role in UNRESTRICTED_ROLES:
        return None
    person = _find_user(con, who)
    if isinstance(person, str):
        return RowScope(requester_id=who.id, role=who.role, name=who.name, denied=person)
    user_id, name = person
    reps, ids = (name,), [user_id]
    if who.role == "manager":
        reports = con.execute("SELECT user_id, rep FROM v_reps WHERE manager_id = $m AND "
                              "user_id <> $m ORDER BY rep", {"m": user_id}).fetchall()
        reps += tuple(rep for _, rep in reports)
        ids += [i for i, _ in reports]
    return RowScope(requester_id=who.id, role=who.role, name=name, reps=reps,
                    own=_own_labels(con, who.role, name, user_id, ids))


def requester_of(user: Any) -> dict[str, Any] | None:
    """Return the requester dict of a server's authenticated user (None: no such user).

    The server may pass the dict `identify` returned or an object wrapping it; either way only
    id, role and name are taken. A user without a valid role gets a requester the access policy
    denies (fail closed), never an unrestricted one.
    """
    if user is None:
        return None

    def field(key: str) -> Any:
        try:
            return user[key]
        except (KeyError, TypeError):
            return getattr(user, key, None)

    found = {"id": field("id") or field("identity"), "role": field("role") or "",
             "name": field("name")}
    return {k: v for k, v in found.items() if v is not None}


def _find_user(con: duckdb.DuckDBPyConnection, who: Identity) -> tuple[str, str] | str:
    """Return (user_id, rep label) of the requester, or why they cannot be found."""
    sql = ("SELECT r.user_id, r.rep FROM v_reps r JOIN users u USING (user_id) WHERE {cond} "
           "ORDER BY r.user_id")
    if who.name:
        found = con.execute(sql.format(cond="lower(r.rep) = lower($name)"),
                            {"name": who.name}).fetchall()
        if len(found) > 1:
            mine = [f for f in found if f[0] == who.id]
            if len(mine) != 1:
                return (f"several CRM users are named {who.name!r}; the requester's id must "
                        "be the user id of one of them")
            found = mine
        if found:
            return found[0][0], found[0][1]
        return (f"no CRM user is named {who.name!r}, so there are no records of "
                f"{who.role} {who.id!r} to show")
    found = con.execute(sql.format(cond="r.user_id = $id OR lower(u.email) = lower($id)"),
                        {"id": who.id}).fetchall()
    if len(found) == 1:
        return found[0][0], found[0][1]
    return (f"the {who.role} {who.id!r} has no name and matches no CRM user id or email, so "
            "there are no records to show; give the token the person's name as in the CRM")


def _own_labels(con: duckdb.DuckDBPyConnection, role: str, name: str, user_id: str,
                ids: list[str]) -> dict[Dimension, frozenset[str]]:
    """Return the owner labels a scoped requester may name (casefolded)."""
    rows = con.execute("SELECT rep, manager, team, territory, region FROM v_reps "
                       "WHERE list_contains($ids, user_id)", {"ids": ids}).fetchall()
    own: dict[Dimension, set[str]] = {d: set() for d in OWNER_DIMENSIONS}
    dims = (Dimension.rep, Dimension.manager, Dimension.team, Dimension.territory,
            Dimension.region)
    for row in rows:
        for dim, value in zip(dims, row, strict=True):
            if value is not None:
                own[dim].add(str(value).casefold())
    if role == "manager":
        own[Dimension.manager] = {name.casefold()}  # not their own manager's whole org
        own[Dimension.team] |= {str(t).casefold() for (t,) in con.execute(
            "SELECT coalesce(name, team_id) FROM teams WHERE manager_id = $u", {"u": user_id}
        ).fetchall()}
    return {d: frozenset(v) for d, v in own.items()}
