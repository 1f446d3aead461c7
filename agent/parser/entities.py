"""Entity values of the data (reps, regions, products, accounts...) and matching them in text.

Values are read from the warehouse, never listed in code, so the parser works on any import.
Matching is exact after normalization, then by alias, then by a unique first/last name, then
fuzzy (typos) with a "did you mean" band. Very large account lists stay in DuckDB and are only
searched for words nothing else explained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import duckdb

from agent.parser.english import common_english, everyday
from agent.parser.lexicon import STOPWORDS, lexicon
from agent.parser.normalize import normalize
from tools.base import Dimension

ACCOUNTS_IN_MEMORY = 20_000
"""Above this many accounts, account names are searched in SQL on demand instead of loaded."""
PRIORITY = [Dimension.rep, Dimension.manager, Dimension.region, Dimension.territory,
            Dimension.team, Dimension.segment, Dimension.industry, Dimension.product,
            Dimension.product_family, Dimension.deal_type, Dimension.lead_source,
            Dimension.stage, Dimension.forecast_category, Dimension.campaign, Dimension.tool,
            Dimension.activity_type, Dimension.request_type, Dimension.account]
PARTIAL_DIMS = (Dimension.rep, Dimension.manager, Dimension.account)
SHORTENABLE = frozenset({Dimension.region, Dimension.team, Dimension.territory,
                         Dimension.segment, Dimension.industry, Dimension.product,
                         Dimension.product_family, Dimension.lead_source, Dimension.deal_type})
"""Kinds of value written cut short ("fin services"): named kinds, not people or accounts."""
ACCEPT, SUGGEST = 88, 72


PEOPLE_DIMS = frozenset({Dimension.rep, Dimension.manager})
NAME_PART_DIMS = frozenset({Dimension.product, Dimension.product_family, Dimension.segment,
                            Dimension.industry, Dimension.lead_source})
"""Kinds whose values may be named by one distinctive word of a longer name (index.name_part)."""


@dataclass(frozen=True)
class EntityMatch:
    """A span of the question that names a value of a dimension."""

    start: int
    end: int
    dimension: Dimension
    label: str
    how: str = "exact"
    """exact | alias | partial | fuzzy"""
    text: str = ""


def _untidy(label: str) -> tuple[bool, bool]:
    """How far a label is from its tidy spelling: all in capitals, trailing punctuation.
    One name written several ways in the data ("Truefort Analytics", "TRUEFORT ANALYTICS",
    "Bluepoint Holdings.") is read as its tidy spelling (the note says so)."""
    return label.isupper() and any(c.isalpha() for c in label), label[-1:] in ".,;:"


@dataclass
class EntityIndex:
    """Normalized entity values of one warehouse."""

    by_norm: dict[str, list[tuple[Dimension, str]]] = field(default_factory=dict)
    by_token: dict[str, set[tuple[Dimension, str]]] = field(default_factory=dict)
    max_len: int = 1
    con: duckdb.DuckDBPyConnection | None = None
    accounts_in_sql: bool = False
    teams_of: dict[tuple[str, str], bool] = field(default_factory=dict)
    """same_people's answers, by (manager, team)."""
    scopes: dict[str, set[tuple[Dimension, str]]] = field(default_factory=dict)
    """scope_of's answers, by rep."""
    stage_order: list[str] | None = None
    """The open stages in the stage dictionary's order (stage_order.open_stages, on first use)."""

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, *, facts: bool = False) -> EntityIndex:
        """Read every entity value: materialized by writers when current, else computed live."""
        relation = "entity_values" if facts else "v_entity_values"
        rows = con.execute(f"select dimension, label from {relation}").fetchall()
        n_accounts = con.execute("select count(*) from accounts").fetchone()
        index = cls(con=con)
        index.accounts_in_sql = bool(n_accounts and n_accounts[0] > ACCOUNTS_IN_MEMORY)
        if not index.accounts_in_sql:
            rows += con.execute("select 'account', name from accounts where name is not null "
                                "and not coalesce(is_deleted, false)").fetchall()
        dims = {name: Dimension(name) for name in {dim for dim, _ in rows}}
        for dim, label in rows:  # 4,096 rep names at 10M deals: this loop is start-up time
            index.add(dims[dim], str(label))
        return index

    def add(self, dim: Dimension, label: str) -> None:
        """Index one value under its normalized text and (for people/accounts) its words."""
        norm = normalize(label.replace("_", " "))
        if not norm:
            return
        entries = self.by_norm.setdefault(norm, [])
        if (dim, label) not in entries:
            entries.append((dim, label))
        words = norm.split()
        self.max_len = max(self.max_len, len(words))
        if dim in PARTIAL_DIMS:
            known = lexicon().words
            for k, word in enumerate(words):
                if (len(word) >= 4 or k == 0 and len(word) == 3 and dim in PEOPLE_DIMS and
                        not everyday(word)) and word not in STOPWORDS and word not in known:
                    self.by_token.setdefault(word, set()).add((dim, label))  # ("Ben", "Zoe";
                    # not "Max" or "Art", words of English far more than names)

    @cached_property
    def currency(self) -> str | None:
        """The corporate currency every amount is in (ISO code, lower case), or None."""
        if self.con is None:
            return None
        from tools.warehouse import load_settings  # (the settings table: read on first use)

        try:
            return load_settings(self.con).corporate_currency.lower()
        except duckdb.Error:
            return None

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of every indexed value (known words for typo correction)."""
        return frozenset(w for norm in self.by_norm for w in norm.split())

    @cached_property
    def typo_targets(self) -> tuple[frozenset[str], list[str]]:
        """(known words, correction targets) for typo repair: vocabulary plus these values."""
        lex = lexicon()
        known = lex.words | lex.alias_words | lex.english | self.words | STOPWORDS
        long_stopwords = {w for w in STOPWORDS if len(w) >= 6}  # "opportunities", "breakdown"
        targets = sorted((lex.words | lex.alias_words | self.words | long_stopwords)
                         - lex.english - (STOPWORDS - long_stopwords))
        return frozenset(known), targets

    def exact(self, words: list[str], blocked: set[int]) -> list[EntityMatch]:
        """Return exact and alias matches, longest first, not overlapping `blocked` positions."""
        aliases = lexicon().aliases
        taken = set(blocked)
        out = []
        for n in range(min(max(self.max_len, 3), len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                span = set(range(i, i + n))
                if span & taken:
                    continue
                key = tuple(words[i:i + n])
                text = " ".join(key)
                how = "exact"
                if n == 1 and (text in STOPWORDS or text in lexicon().words) and \
                        text not in self.by_norm:
                    continue
                if text not in self.by_norm and key in aliases and aliases[key] in self.by_norm:
                    text, how = aliases[key], "alias"
                elif text not in self.by_norm and n > 1 and (full := self.shortened(key)):
                    text, how = full, "alias"  # "fin services": Financial Services
                elif text not in self.by_norm and n == 1 and text in self._acronyms:
                    text, how = self._acronyms[text], "alias"  # "nac": NA Commercial
                elif text not in self.by_norm and n > 1 and text in self._spelled and \
                        not self._kind_after(words[i + n:i + n + 1], self._spelled[text]):
                    text, how = self._spelled[text], "alias"  # "north america enterprise"
                if text in self.by_norm:
                    dim, label = self.choose(self.by_norm[text], words, i)
                    out.append(EntityMatch(i, i + n, dim, label, how, " ".join(key)))
                    taken |= span
        return out

    def shortened(self, words: tuple[str, ...]) -> str | None:
        """The one named value whose words these are, each written in full or cut short to
        its first three letters or more ("fin services", "fin serv": Financial Services);
        values of people, accounts and campaigns are never guessed this way."""
        if any(w in STOPWORDS for w in words) or all(len(w) < 3 for w in words):
            return None
        found = {norm for norm in self._shortenable.get((len(words), words[0][:3]), ())
                 if all(v == w or len(w) >= 3 and v.startswith(w)
                        for v, w in zip(norm.split(), words, strict=True))}
        return found.pop() if len(found) == 1 else None  # ("na ent": NA Enterprise)

    def _kind_after(self, after: list[str], norm: str) -> bool:
        """Whether the word after a spelled-out value names another kind ("North America,
        Enterprise segment": the region and the segment, not the NA Enterprise team)."""
        kinds = {e.value for e in lexicon().entries(after) if e.kind == "dimension"}
        return bool(kinds) and not kinds & {d.value for d, _ in self.by_norm[norm]}

    @cached_property
    def _spelled(self) -> dict[str, str]:
        """Named values whose words hold the initials of another value, with those words
        spelled out ("north america enterprise": NA Enterprise, as "NA" is North America)."""
        initials = {"".join(w[0] for w in norm.split()): norm for norm, entries in
                    self.by_norm.items() if len(norm.split()) > 1 and
                    all(d in SHORTENABLE for d, _ in entries)}
        out: dict[str, str] = {}
        for norm, entries in self.by_norm.items():
            words = norm.split()
            if len(words) > 1 and all(d in SHORTENABLE for d, _ in entries) and \
                    any(w in initials for w in words):
                out[" ".join(initials.get(w, w) for w in words)] = norm
        return out

    @cached_property
    def _acronyms(self) -> dict[str, str]:
        """Values of several words by their initials, the first word kept whole when it is
        itself short ("nac": NA Commercial, "emeae": EMEA Enterprise, "fs": no, too short):
        only one value per acronym, and never a word of the vocabulary or of English."""
        lex = lexicon()
        found: dict[str, set[str]] = {}
        for norm, entries in self.by_norm.items():
            words = norm.split()
            if len(words) < 2 or not all(d in SHORTENABLE for d, _ in entries):
                continue
            rest = "".join(w[0] for w in words[1:])
            short = any(label.split()[0].isupper() for _, label in entries)  # "NA", "EMEA"
            for acronym in {words[0][0] + rest, words[0] + rest if short else ""}:
                if len(acronym) >= 3 and acronym not in self.by_norm and \
                        acronym not in lex.words and acronym not in lex.english and \
                        acronym not in STOPWORDS and not common_english(acronym):
                    found.setdefault(acronym, set()).add(norm)
        return {a: norms.pop() for a, norms in found.items() if len(norms) == 1}

    @cached_property
    def _shortenable(self) -> dict[tuple[int, str], list[str]]:
        """Values of several words, by their number of words and first three letters."""
        out: dict[tuple[int, str], list[str]] = {}
        for norm, entries in self.by_norm.items():
            words = norm.split()
            if len(words) > 1 and all(d in SHORTENABLE for d, _ in entries):
                out.setdefault((len(words), words[0][:3]), []).append(norm)
        return out

    def nearest(self, text: str, dim: Dimension | None = None,
                limit: int = 5) -> list[tuple[Dimension, str]]:
        """The values (of `dim`, or of any dimension) most like `text`, however far: the
        did-you-mean options for a value that matches nothing."""
        from rapidfuzz import fuzz, process  # only a value that matches nothing pays for it

        by_text = self._values_of(dim)
        if not by_text:
            return []
        found = process.extract(text, list(by_text), scorer=fuzz.WRatio, limit=limit,
                                score_cutoff=0 if dim is not None else 60)
        return [by_text[norm] for norm, _, _ in found]

    def _values_of(self, dim: Dimension | None) -> dict[str, tuple[Dimension, str]]:
        """Normalized value -> (dimension, label), of one dimension or all (cached)."""
        cache = self.__dict__.setdefault("_by_dim", {})
        if dim not in cache:
            cache[dim] = {norm: next((d, label) for d, label in entries
                                     if dim is None or d == dim)
                          for norm, entries in sorted(self.by_norm.items())
                          if any(dim is None or d == dim for d, _ in entries)}
        return cache[dim]

    def containing(self, dim: Dimension, words: list[str]) -> list[str]:
        """The values of one dimension whose names hold all these words ("the EMEA teams":
        EMEA Commercial and EMEA Enterprise)."""
        return sorted({label for norm, (_, label) in self._values_of(dim).items()
                       if set(words) <= set(norm.split())})

    def first_named(self, word: str) -> list[tuple[Dimension, str]]:
        """Return the people whose first name is this word, however short ("Ava", "Leo"):
        a writer signing in by first name."""
        return sorted(self._first_names.get(word, set()))

    def first_names_fitting(self, fits: Callable[[str], bool]) -> list[tuple[Dimension, str]]:
        """The people whose first name passes the test (a short form or nickname of it)."""
        return sorted({p for first, people in self._first_names.items() if fits(first)
                       for p in people})

    @cached_property
    def _first_names(self) -> dict[str, set[tuple[Dimension, str]]]:
        """First name -> the people (reps, managers) who have it (built on first use)."""
        names: dict[str, set[tuple[Dimension, str]]] = {}
        for norm, entries in self.by_norm.items():
            for dim, label in entries:
                if dim in (Dimension.rep, Dimension.manager):
                    names.setdefault(norm.split()[0], set()).add((dim, label))
        return names

    def same_people(self, manager: str, team: str) -> bool:
        """Whether a manager's reps are exactly one team's, the manager aside (v_reps, today's
        assignments): a filter on both is a filter on the team, the manager's adds nothing."""
        if self.con is None:
            return False
        if (manager, team) not in self.teams_of:  # asked once per pair while the index lives
            self.teams_of[manager, team] = self._same_people(manager, team)
        return self.teams_of[manager, team]

    def _same_people(self, manager: str, team: str) -> bool:
        assert self.con is not None
        try:
            teams = self.con.execute("select distinct team from v_reps where manager = ?",
                                     [manager]).fetchall()
            managers = self.con.execute("select distinct manager from v_reps where team = ? "
                                        "and rep <> ?", [team, manager]).fetchall()
            own = self.con.execute(  # the manager's own quota or deals would differ
                "select count(*) from v_reps where rep = ? and team = ? and "
                "(coalesce(is_quota_carrying, false) or exists (select 1 from v_opps o "
                "where o.rep = v_reps.rep))",
                [manager, team]).fetchone()
        except duckdb.Error:
            return False
        return teams == [(team,)] and managers == [(manager,)] and own == (0,)

    def scope_of(self, rep: str) -> set[tuple[Dimension, str]]:
        """The manager, team, territory and region a rep belongs to (cached): the groups a
        writer names beside their own name ("Emma Kowalski (APAC)")."""
        if rep not in self.scopes:
            self.scopes[rep] = self._scope_of(rep)
        return self.scopes[rep]

    def _scope_of(self, rep: str) -> set[tuple[Dimension, str]]:
        if self.con is None:
            return set()
        try:
            rows = self.con.execute("select manager, team, territory, region from v_reps "
                                    "where rep = ?", [rep]).fetchall()
        except duckdb.Error:
            return set()
        dims = (Dimension.manager, Dimension.team, Dimension.territory, Dimension.region)
        return {(d, v) for row in rows for d, v in zip(dims, row, strict=True) if v}

    @cached_property
    def _name_parts(self) -> dict[str, set[tuple[Dimension, str]]]:
        parts: dict[str, set[tuple[Dimension, str]]] = {}
        for norm, entries in self.by_norm.items():
            words = norm.split()
            for dim, label in entries:
                if len(words) > 1:  # (every kind: a word campaigns share is no one's)
                    for word in words:
                        if len(word) >= 4 and word not in STOPWORDS:
                            parts.setdefault(word.removesuffix("s"), set()).add((dim, label))
        return parts

    def name_part(self, word: str) -> tuple[Dimension, str] | None:
        """The one product, family, segment, industry or source whose several-word name holds
        this word ("connectors": Data Connectors), when no other value of any kind does (no
        account, person or campaign): its distinctive word, said for the whole name."""
        hits = self._name_parts.get(word.removesuffix("s"), set())
        if len(hits) != 1 or self.by_token.get(word) or self.by_token.get(word.removesuffix("s")):
            return None
        hit = next(iter(hits))
        return hit if hit[0] in NAME_PART_DIMS else None

    def partial(self, word: str) -> list[tuple[Dimension, str]]:
        """Return the people/accounts whose name contains this word (a first or last name);
        one name written several ways in the data once, in its tidy spelling."""
        tidy: dict[tuple[Dimension, str], str] = {}
        for dim, label in sorted(self.by_token.get(word, set()), key=lambda c: _untidy(c[1])):
            tidy.setdefault((dim, normalize(label)), label)
        return sorted((dim, label) for (dim, _), label in tidy.items())

    def fuzzy(self, text: str, limit: int = 3) -> list[tuple[float, Dimension, str]]:
        """Return the closest values to a misspelled phrase, best first."""
        if len(text) < 4:
            return []
        from rapidfuzz import fuzz, process  # only questions with unknown words pay for it

        found = process.extract(text, list(self.by_norm), scorer=fuzz.ratio, limit=limit)
        out = [(score, *self.by_norm[norm][0]) for norm, score, _ in found]
        if self.accounts_in_sql and self.con is not None:
            out += self._sql_accounts(text, limit)
        return sorted(out, key=lambda x: -x[0])[:limit]

    def _sql_accounts(self, text: str, limit: int) -> list[tuple[float, Dimension, str]]:
        assert self.con is not None
        rows = self.con.execute(
            "select name, 100 * jaro_winkler_similarity(lower(name), $t) as score "
            "from accounts where name is not null and lower(name)[1] = $first "
            "order by score desc, name limit $n", {"t": text, "first": text[0], "n": limit},
        ).fetchall()
        return [(float(score), Dimension.account, name) for name, score in rows]

    def account_exact(self, text: str) -> str | None:
        """Look an account name up in SQL (large account lists)."""
        if not self.accounts_in_sql or self.con is None:
            return None
        row = self.con.execute(
            "select name from accounts where lower(name) = $t or "
            "trim(regexp_replace(lower(name), '[^a-z0-9]+', ' ', 'g')) = $t order by name limit 1",
            {"t": text}).fetchone()
        return row[0] if row else None

    def choose(self, candidates: list[tuple[Dimension, str]], words: list[str],
               at: int) -> tuple[Dimension, str]:
        """Pick among dimensions sharing a label: a nearby dimension word wins, else priority."""
        if len(candidates) == 1:
            return candidates[0]
        near = set(words[max(0, at - 3):at + 4])
        dim_words: dict[str, set[str]] = defaultdict(set)
        for key, entries in lexicon().phrases.items():
            for e in entries:
                if e.kind == "dimension" and len(key) == 1:  # "team", not "sales" of "sales team"
                    dim_words[e.value].update(key)
        for dim, label in sorted(candidates, key=lambda c: _untidy(c[1])):
            if near & dim_words[dim.value]:
                return dim, label
        return min(candidates, key=lambda c: (PRIORITY.index(c[0]) if c[0] in PRIORITY
                                              else len(PRIORITY), _untidy(c[1])))
