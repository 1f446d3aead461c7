"""Likely duplicate accounts, contacts and leads, as pairs (record -> the earlier one it repeats).

Accounts match on the normalized domain (no scheme, www. or path), the normalized name (no
case, punctuation or legal suffix such as Inc., LLC, GmbH), or a similar normalized name (at
most MAX_EDITS letters apart with the same digits, among names of six letters or more sharing
their first four, so the comparison stays near-linear; the Jaro-Winkler similarity is
shown). Contacts match on e-mail, or on first + last name within one account; leads on e-mail.
In each group the earliest-created record is the original and the others are its duplicates,
as in the uniqueness rules R18, R19 and R33.
"""

from __future__ import annotations

DOMAIN = ("nullif(regexp_replace(regexp_replace(lower(trim(domain)), '^([a-z]+://)?(www\\.)?', "
          "''), '/.*$', ''), '')")
NAME = ("nullif(regexp_replace(regexp_replace(lower(name), '\\b(inc|llc|ltd|limited|corp|"
        "corporation|co|company|gmbh|plc|ag|sa|bv)\\b', '', 'g'), '[^a-z0-9]', '', 'g'), '')")
MAX_EDITS = 2
MAX_BLOCK = 500
"""Name blocks larger than this are skipped by the fuzzy pass (exact matches still count)."""

# `seq` orders records by creation (earliest first, then id) without a window over the table.
SEQ = "struct_pack(c := coalesce(created_at, TIMESTAMP '9999-12-31'), i := {key})"


def _exact(key: str, label: str) -> str:
    """Pairs of records sharing `key`, found among the keys that repeat only."""
    return (f"SELECT x.id, y.id AS of_id, '{label}' AS match, 1.0 AS similarity\n"
            f"  FROM a x JOIN a y ON x.{key} = y.{key} AND y.seq < x.seq\n"
            f"  WHERE x.{key} IN (SELECT {key} FROM a WHERE {key} IS NOT NULL GROUP BY ALL "
            "HAVING count(*) > 1)")


ACCOUNTS = f"""WITH a AS (
  SELECT account_id AS id, name AS label, {DOMAIN} AS dkey, {NAME} AS nkey,
         {SEQ.format(key="account_id")} AS seq
  FROM accounts WHERE NOT coalesce(is_deleted, FALSE) AND NOT coalesce(is_test, FALSE)
), blocks AS (
  SELECT *, count(*) OVER (PARTITION BY left(nkey, 4)) AS block,
         regexp_replace(nkey, '[^0-9]', '', 'g') AS digits FROM a
  WHERE nkey IS NOT NULL AND length(nkey) >= 6
), pairs AS (
  {_exact("dkey", "same domain")}
  UNION ALL
  {_exact("nkey", "same name")}
  UNION ALL
  SELECT x.id, y.id, 'similar name', jaro_winkler_similarity(x.nkey, y.nkey)
  FROM blocks x JOIN blocks y ON left(x.nkey, 4) = left(y.nkey, 4) AND x.nkey <> y.nkey
   AND y.seq < x.seq
  WHERE x.block <= {MAX_BLOCK} AND x.digits = y.digits  -- "Store 4" is not "Store 5"
    AND damerau_levenshtein(x.nkey, y.nkey) <= $max_edits
)"""
CONTACTS = f"""WITH a AS (
  SELECT contact_id AS id, coalesce(nullif(trim(concat_ws(' ', first_name, last_name)), ''),
         email, contact_id) AS label, nullif(lower(trim(email)), '') AS ekey,
         CASE WHEN last_name IS NOT NULL AND first_name IS NOT NULL AND account_id IS NOT NULL
           THEN lower(trim(first_name)) || ' ' || lower(trim(last_name)) || '@' || account_id
         END AS nkey, {SEQ.format(key="contact_id")} AS seq
  FROM contacts WHERE NOT coalesce(is_deleted, FALSE)
), pairs AS (
  {_exact("ekey", "same e-mail")}
  UNION ALL
  {_exact("nkey", "same name and account")}
)"""
LEADS = f"""WITH a AS (
  SELECT lead_id AS id, coalesce(email, company, lead_id) AS label,
         nullif(lower(trim(email)), '') AS ekey, {SEQ.format(key="lead_id")} AS seq
  FROM leads WHERE NOT coalesce(is_deleted, FALSE)
), pairs AS (
  {_exact("ekey", "same e-mail")}
)"""
SOURCES = {"accounts": ACCOUNTS, "contacts": CONTACTS, "leads": LEADS}

# Each duplicate is shown once, against the earliest record it repeats, by its strongest match.
SELECT = """, best AS (
  SELECT id, arg_min(of_id, y_seq) AS of_id, max(similarity) AS similarity,
         string_agg(DISTINCT match, ', ' ORDER BY match) AS match
  FROM (SELECT p.*, y.seq AS y_seq FROM pairs p JOIN a y ON y.id = p.of_id)
  GROUP BY id
)
SELECT b.id AS record, x.label AS name, b.of_id AS duplicate_of, y.label AS original_name,
       b.match, round(b.similarity, 4) AS similarity, count(*) OVER () AS duplicates
FROM best b JOIN a x ON x.id = b.id JOIN a y ON y.id = b.of_id
ORDER BY b.similarity DESC, y.label, b.id
LIMIT $top"""


def duplicates_sql(kind: str) -> str:
    """Return the statement listing likely duplicates of accounts, contacts or leads.

    Bound values: $top (rows shown) and, for accounts, $max_edits.
    """
    return SOURCES[kind] + SELECT
