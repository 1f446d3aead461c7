"""Likely duplicate accounts, contacts and leads, as pairs (record -> the earlier one it repeats).

Accounts match on the normalized domain (no scheme, www. or path), the normalized name (no
case, punctuation or legal suffix such as Inc., LLC, GmbH), or a similar normalized name (at
most MAX_EDITS letters apart, among names of six letters or more sharing their first four, so
the comparison stays near-linear; the Jaro-Winkler similarity is shown). Contacts match on
e-mail, or on first + last name within one account; leads on e-mail. In each group the
earliest-created record is the original and the others are its duplicates, as in the
uniqueness rules R18, R19 and R33.
"""

from __future__ import annotations

DOMAIN = ("nullif(regexp_replace(regexp_replace(lower(trim(domain)), '^([a-z]+://)?(www\\.)?', "
          "''), '/.*$', ''), '')")
NAME = ("nullif(regexp_replace(regexp_replace(lower(name), '\\b(inc|llc|ltd|limited|corp|"
        "corporation|co|company|gmbh|plc|ag|sa|bv)\\b', '', 'g'), '[^a-z0-9]', '', 'g'), '')")
MAX_EDITS = 2
MAX_BLOCK = 500
"""Name blocks larger than this are skipped by the fuzzy pass (exact matches still count)."""

ACCOUNTS = f"""WITH a AS (
  SELECT account_id AS id, name AS label, {DOMAIN} AS dkey, {NAME} AS nkey,
         row_number() OVER (ORDER BY created_at NULLS LAST, account_id) AS seq
  FROM accounts WHERE NOT coalesce(is_deleted, FALSE) AND NOT coalesce(is_test, FALSE)
), blocks AS (
  SELECT *, count(*) OVER (PARTITION BY left(nkey, 4)) AS block FROM a WHERE nkey IS NOT NULL
), pairs AS (
  SELECT x.id, y.id AS of_id, 'same domain' AS match, 1.0 AS similarity
  FROM a x JOIN a y ON x.dkey = y.dkey AND y.seq < x.seq
  UNION ALL
  SELECT x.id, y.id, 'same name', 1.0
  FROM a x JOIN a y ON x.nkey = y.nkey AND y.seq < x.seq
  UNION ALL
  SELECT x.id, y.id, 'similar name', jaro_winkler_similarity(x.nkey, y.nkey)
  FROM blocks x JOIN blocks y ON left(x.nkey, 4) = left(y.nkey, 4) AND x.nkey <> y.nkey
   AND y.seq < x.seq
  WHERE x.block <= {MAX_BLOCK} AND least(length(x.nkey), length(y.nkey)) >= 6
    AND damerau_levenshtein(x.nkey, y.nkey) <= $max_edits
)"""
CONTACTS = """WITH a AS (
  SELECT contact_id AS id, coalesce(nullif(trim(concat_ws(' ', first_name, last_name)), ''),
         email, contact_id) AS label, nullif(lower(trim(email)), '') AS ekey,
         CASE WHEN last_name IS NOT NULL AND first_name IS NOT NULL AND account_id IS NOT NULL
           THEN lower(trim(first_name)) || ' ' || lower(trim(last_name)) || '@' || account_id
         END AS nkey,
         row_number() OVER (ORDER BY created_at NULLS LAST, contact_id) AS seq
  FROM contacts WHERE NOT coalesce(is_deleted, FALSE)
), pairs AS (
  SELECT x.id, y.id AS of_id, 'same e-mail' AS match, 1.0 AS similarity
  FROM a x JOIN a y ON x.ekey = y.ekey AND y.seq < x.seq
  UNION ALL
  SELECT x.id, y.id, 'same name and account', 1.0
  FROM a x JOIN a y ON x.nkey = y.nkey AND y.seq < x.seq
)"""
LEADS = """WITH a AS (
  SELECT lead_id AS id, coalesce(email, company, lead_id) AS label,
         nullif(lower(trim(email)), '') AS ekey,
         row_number() OVER (ORDER BY created_at NULLS LAST, lead_id) AS seq
  FROM leads WHERE NOT coalesce(is_deleted, FALSE)
), pairs AS (
  SELECT x.id, y.id AS of_id, 'same e-mail' AS match, 1.0 AS similarity
  FROM a x JOIN a y ON x.ekey = y.ekey AND y.seq < x.seq
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
