"""The demo company generator: determinism, consistency, documented defects and effects.

Every rule asserted here is written down in docs/demo.md; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import pytest

from tools.demo import DemoSummary, generate_demo
from tools.demo.generator import TABLES, accounts_for, anchors_for, reps_for
from tools.warehouse import connect, load_settings

END = date(2025, 6, 30)
N = 20_000
Q0 = date(2025, 5, 1)  # fiscal quarter holding END with a February fiscal year
K = anchors_for(N)
NUM = "CAST(substr(opportunity_id, 5) AS INTEGER)"
PLAIN = f"{NUM} > {2 * K}"


def one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchall()[0][0]


def ids(con: duckdb.DuckDBPyConnection, where: str) -> set[int]:
    return {i for (i,) in con.execute(f"SELECT {NUM} FROM opportunities WHERE {where}").fetchall()}


def build(n: int, seed: int = 42, end: date = END, fy: int = 2) -> duckdb.DuckDBPyConnection:
    con = connect(":memory:")
    generate_demo(con, seed=seed, opportunities=n, end_date=end, fiscal_year_start_month=fy)
    return con


def checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """One order-independent digest per table (rows sorted by their full text)."""
    return {t: str(one(con, f"SELECT md5(string_agg(s, '|' ORDER BY s)) "
                            f"FROM (SELECT CAST(x AS VARCHAR) AS s FROM {t} x)"))
            for t in (*TABLES, "company_settings")}


@pytest.fixture(scope="module")
def demo() -> Iterator[duckdb.DuckDBPyConnection]:
    con = build(N)
    yield con
    con.close()


# --- API, determinism, sizes ------------------------------------------------------------------

def test_summary_progress_and_settings() -> None:
    seen: list[tuple[str, float]] = []
    con = connect(":memory:")
    summary = generate_demo(con, seed=3, opportunities=1_000, end_date=END,
                            progress=lambda step, frac: seen.append((step, frac)))
    assert isinstance(summary, DemoSummary)
    assert summary.rows["opportunities"] == 1_000 and summary.seed == 3
    assert summary.end_date == END and summary.elapsed_seconds > 0
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) > 5
    s = load_settings(con)
    assert (s.company_name, s.corporate_currency, s.fiscal_year_start_month) == (
        "Brightwave Software", "USD", 2)
    assert (s.data_start, s.data_end, s.source) == (date(2022, 6, 30), END, "demo")
    assert one(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary") == 0
    assert one(con, "SELECT count(*) FROM duckdb_functions() WHERE database_name = 'temp'") == 0
    with pytest.raises(ValueError, match="already holds"):
        generate_demo(con, opportunities=1_000, end_date=END)


def test_same_inputs_same_content_other_seed_differs() -> None:
    first, again, other = build(1_500, seed=11), build(1_500, seed=11), build(1_500, seed=12)
    a, b, c = checksums(first), checksums(again), checksums(other)
    assert a == b
    changed = [t for t in a if a[t] != c[t]]
    assert "opportunities" in changed and "opportunity_history" in changed and len(changed) > 15


def test_row_counts(demo: duckdb.DuckDBPyConnection) -> None:
    counts = {t: one(demo, f"SELECT count(*) FROM {t}") for t in TABLES}
    assert all(counts.values()), [t for t, c in counts.items() if not c]
    assert counts["opportunities"] == N
    assert counts["users"] == 11 + reps_for(N)
    dups = len(range(37, accounts_for(N) + 1, 100))
    assert counts["accounts"] == accounts_for(N) + dups
    assert counts["contacts"] == 2 * accounts_for(N)
    assert (counts["territories"], counts["teams"], counts["opportunity_stages"]) == (4, 6, 6)
    assert counts["products"] == 7
    assert 3.5 * N < counts["opportunity_history"] < 6 * N
    assert 1.5 * N < counts["activities"] < 4 * N
    assert one(demo, "SELECT count(*) FROM users WHERE is_quota_carrying") == reps_for(N)
    assert one(demo, "SELECT count(*) FROM users WHERE NOT is_active") >= 2


# --- consistency the metric tools rely on -----------------------------------------------------

def test_status_flags_follow_stage_dictionary_except_d6(demo: duckdb.DuckDBPyConnection) -> None:
    rows = demo.execute(f"""
        SELECT {NUM}, o.is_closed = s.is_closed, o.is_won = s.is_won FROM opportunities o
        JOIN opportunity_stages s USING (pipeline_id, stage_name)""").fetchall()
    assert len(rows) == N and all(closed_ok for _, closed_ok, _ in rows)
    flipped = {i for i, _, won_ok in rows if not won_ok}
    expected = set(demo.execute(f"SELECT {NUM} FROM opportunities WHERE is_closed AND {PLAIN} "
                                f"AND {NUM} % 1000 = 123").fetchall())
    assert flipped == {i for (i,) in expected} and flipped


def test_amount_is_sum_of_line_items_except_d1_d7(demo: duckdb.DuckDBPyConnection) -> None:
    bad = demo.execute(f"""
        SELECT {NUM}, o.amount FROM opportunities o
        LEFT JOIN (SELECT opportunity_id, sum(total_price) AS t FROM opportunity_line_items
                   GROUP BY 1) l USING (opportunity_id)
        WHERE o.amount IS DISTINCT FROM l.t""").fetchall()
    d7 = ids(demo, f"stage_name = 'Closed Won' AND {PLAIN} AND {NUM} % 2000 = 777 "
                   "AND deal_type <> 'contraction'")
    assert {i for i, _ in bad} == d7 and d7 and all(a == 0 for _, a in bad)
    assert one(demo, """SELECT count(*) FROM opportunities o WHERE amount IS NULL AND EXISTS
        (SELECT 1 FROM opportunity_line_items l WHERE l.opportunity_id = o.opportunity_id)""") == 0
    assert one(demo, """SELECT count(*) FROM opportunities o WHERE product_id IS DISTINCT FROM
        (SELECT arg_max(product_id, total_price) FROM opportunity_line_items l
         WHERE l.opportunity_id = o.opportunity_id)""") == 0


def test_history_last_row_is_current_and_first_row_is_creation(
        demo: duckdb.DuckDBPyConnection) -> None:
    assert one(demo, """
        WITH h AS (SELECT * FROM opportunity_history QUALIFY row_number() OVER (
                     PARTITION BY opportunity_id ORDER BY changed_at DESC, history_id DESC) = 1)
        SELECT count(*) FROM opportunities o JOIN h USING (opportunity_id)
        WHERE h.stage_name = o.stage_name AND h.amount IS NOT DISTINCT FROM o.amount
          AND h.close_date = o.close_date AND h.probability = o.probability
          AND h.forecast_category = o.forecast_category
          AND h.currency_code = o.currency_code""") == N
    assert one(demo, """SELECT count(*) FROM opportunities o JOIN (SELECT opportunity_id,
        min(changed_at) AS first FROM opportunity_history GROUP BY 1) h USING (opportunity_id)
        WHERE h.first = o.created_at""") == N
    assert one(demo, "SELECT max(changed_at)::DATE FROM opportunity_history") <= END


def test_dates_inside_the_window(demo: duckdb.DuckDBPyConnection) -> None:
    d0 = date(2022, 6, 30)
    assert one(demo, "SELECT min(created_at)::DATE FROM opportunities") >= d0
    assert one(demo, "SELECT max(created_at)::DATE FROM opportunities") <= END
    assert one(demo, "SELECT max(close_date) FROM opportunities WHERE is_closed") <= END
    early = {i for (i,) in demo.execute(
        f"SELECT {NUM} FROM opportunities WHERE is_closed AND close_date < created_at::DATE")
        .fetchall()}
    assert early and all(i % 1500 == 321 for i in early)  # D9
    assert early == {i for (i,) in demo.execute(
        f"SELECT {NUM} FROM opportunities WHERE is_closed AND {PLAIN} AND {NUM} % 1500 = 321")
        .fetchall()}


def test_references_resolve(demo: duckdb.DuckDBPyConnection) -> None:
    assert one(demo, "SELECT count(*) FROM opportunities WHERE owner_id NOT IN "
                     "(SELECT user_id FROM users)") == 0
    assert one(demo, "SELECT count(*) FROM opportunities WHERE account_id NOT IN "
                     "(SELECT account_id FROM accounts)") == 0
    assert one(demo, "SELECT count(*) FROM opportunities o JOIN users u ON u.user_id = o.owner_id "
                     "WHERE o.created_at::DATE < u.hire_date") == 0
    assert one(demo, """SELECT count(*) FROM opportunities o WHERE currency_code <> 'USD'
        AND NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency_code = o.currency_code
          AND o.close_date >= f.start_date
          AND (f.next_start_date IS NULL OR o.close_date < f.next_start_date))""") == 0
    assert one(demo, "SELECT count(*) FROM v_opps WHERE amount IS NOT NULL "
                     "AND amount_corp IS NULL") == 0


def test_quotas_cover_every_employed_quarter(demo: duckdb.DuckDBPyConnection) -> None:
    missing = one(demo, f"""
        WITH q AS (SELECT CAST(range AS DATE) AS qs FROM range(TIMESTAMP '2022-05-01',
                     TIMESTAMP '{Q0}' + INTERVAL 6 MONTH, INTERVAL 3 MONTH)),
        e AS (SELECT u.user_id, q.qs FROM users u, q WHERE u.is_quota_carrying
              AND u.hire_date < q.qs + INTERVAL 3 MONTH
              AND (u.termination_date IS NULL OR u.termination_date >= q.qs))
        SELECT count(*) FROM e ANTI JOIN quotas x
          ON x.owner_id = e.user_id AND x.period_start = e.qs""")
    assert missing == 0
    assert one(demo, "SELECT count(DISTINCT period_start) FROM quotas") == 14
    assert one(demo, "SELECT count(*) FROM quotas WHERE owner_type <> 'user' "
                     "OR quota_amount <= 0 OR period_end <> period_start + INTERVAL 3 MONTH "
                     "- INTERVAL 1 DAY") == 0
    assert one(demo, f"SELECT count(*) FROM quotas WHERE period_start = DATE '{Q0}' + "
                     "INTERVAL 3 MONTH") == one(
        demo, "SELECT count(*) FROM users WHERE is_quota_carrying AND is_active")


def test_current_quarter_has_wins_and_open_pipeline(demo: duckdb.DuckDBPyConnection) -> None:
    won, open_ = demo.execute(f"""SELECT
        count(*) FILTER (WHERE status = 'won' AND close_date BETWEEN DATE '{Q0}' AND DATE '{END}'),
        count(*) FILTER (WHERE status = 'open' AND close_date >= DATE '{END}')
        FROM v_opps""").fetchall()[0]
    assert won > 100 and open_ > 500


def test_quarter_start_end_date_and_other_fiscal_start() -> None:
    con = build(1_000, seed=5, end=date(2024, 1, 1), fy=1)
    won, open_ = con.execute("""SELECT
        count(*) FILTER (WHERE status = 'won' AND close_date = DATE '2024-01-01'),
        count(*) FILTER (WHERE status = 'open' AND close_date <= DATE '2024-03-31')
        FROM v_opps""").fetchall()[0]
    assert won >= anchors_for(1_000) and open_ > 0
    assert one(con, "SELECT count(*) FROM quotas "
                    "WHERE month(period_start) NOT IN (1, 4, 7, 10)") == 0
    assert one(con, "SELECT max(period_start) FROM quotas") == date(2024, 4, 1)


# --- realism ----------------------------------------------------------------------------------

def test_vocabularies(demo: duckdb.DuckDBPyConnection) -> None:
    def values(sql: str) -> set[object]:
        return {v for (v,) in demo.execute(sql).fetchall()}

    assert values("SELECT stage_name FROM opportunities") == {
        "Prospecting", "Discovery", "Proposal", "Negotiation", "Closed Won", "Closed Lost"}
    assert values("SELECT deal_type FROM opportunities") == {
        "new_business", "expansion", "renewal", "contraction"}
    assert values("SELECT lead_source FROM opportunities") == {
        "Inbound", "Outbound", "Partner", "Event", "Web"}
    assert values("SELECT segment FROM accounts") == {"SMB", "Mid-Market", "Enterprise"}
    assert len(values("SELECT industry FROM accounts")) == 8
    assert values("SELECT region FROM territories") == {"North America", "EMEA", "APAC", "LATAM"}
    assert values("SELECT forecast_category FROM opportunity_stages") == {
        "pipeline", "best_case", "commit", "closed", "omitted"}
    assert values("SELECT DISTINCT region FROM v_opps WHERE currency_code <> 'USD'") == {"EMEA"}
    assert values("SELECT currency_code FROM opportunities") == {"USD", "EUR", "GBP"}
    assert one(demo, "SELECT count(*) FROM opportunities WHERE deal_type = 'contraction' "
                     "AND amount >= 0") == 0


def test_win_rates_are_believable(demo: duckdb.DuckDBPyConnection) -> None:
    rates = dict(demo.execute("""SELECT coalesce(segment, 'none'), count(*) FILTER (WHERE
        status = 'won') / count(*) FILTER (WHERE status <> 'open') FROM v_opps GROUP BY 1""")
        .fetchall())
    overall = one(demo, "SELECT count(*) FILTER (WHERE status = 'won') / count(*) FILTER "
                        "(WHERE status <> 'open') FROM v_opps")
    assert 0.22 < overall < 0.35
    assert all(0.18 < rates[s] < 0.40 for s in ("SMB", "Mid-Market", "Enterprise"))
    assert rates["SMB"] > rates["Enterprise"]


def test_history_has_slips_regressions_reopens_and_owner_changes(
        demo: duckdb.DuckDBPyConnection) -> None:
    pushed = one(demo, "SELECT count(DISTINCT opportunity_id) FROM opportunity_history "
                       "WHERE close_date > prev_close_date")
    assert 0.4 * N < pushed < 0.7 * N
    assert one(demo, "SELECT count(DISTINCT opportunity_id) FROM opportunity_history "
                     "WHERE amount <> prev_amount") > 0.1 * N
    regressed = one(demo, """WITH h AS (SELECT opportunity_id, s.sort_order, lag(s.sort_order)
        OVER (PARTITION BY opportunity_id ORDER BY changed_at, history_id) AS prev
        FROM opportunity_history JOIN opportunity_stages s USING (stage_name))
        SELECT count(DISTINCT opportunity_id) FROM h WHERE sort_order < prev AND sort_order <= 4""")
    assert regressed > 0.02 * N
    reopened = {i for (i,) in demo.execute(f"""WITH h AS (SELECT opportunity_id, stage_name,
        lag(stage_name) OVER (PARTITION BY opportunity_id ORDER BY changed_at, history_id) AS p
        FROM opportunity_history) SELECT DISTINCT {NUM} FROM h
        WHERE p = 'Closed Won' AND stage_name <> 'Closed Won'""").fetchall()}
    expected = {i for (i,) in demo.execute(f"SELECT {NUM} FROM opportunities WHERE "
                                           f"stage_name = 'Closed Won' AND {PLAIN} AND "
                                           f"{NUM} % 150 = 41").fetchall()}
    assert reopened == expected and reopened  # E4
    changes = demo.execute("""SELECT f.field_name, f.new_value = o.owner_id, u.is_active
        FROM opportunity_field_history f JOIN opportunities o USING (opportunity_id)
        JOIN users u ON u.user_id = f.new_value""").fetchall()
    assert changes and all(name == "Owner" and same and active for name, same, active in changes)


# --- documented defects (docs/demo.md D1..D12) ------------------------------------------------

def test_d1_d2_d3_d10_opportunity_defects(demo: duckdb.DuckDBPyConnection) -> None:
    open_ = "NOT is_closed"
    d1 = ids(demo, f"{open_} AND amount IS NULL")
    assert d1 and d1 == ids(demo, f"{open_} AND {PLAIN} AND {NUM} % 50 = 7")
    assert ids(demo, "amount IS NULL") == d1
    d2 = ids(demo, "account_id IS NULL")
    assert d2 and d2 == {i for i in range(2 * K + 1, N + 1) if i % 400 == 19}
    d3 = ids(demo, f"{open_} AND close_date < DATE '{END}'")
    n_open = one(demo, f"SELECT count(*) FROM opportunities WHERE {open_}")
    assert d3 and all(i % 20 == 3 for i in d3) and len(d3) < 0.15 * n_open
    assert len(d1) == pytest.approx(n_open / 50, rel=0.5)
    d10 = ids(demo, "stage_name = 'Closed Lost' AND lost_reason IS NULL")
    assert d10 and d10 == ids(demo, f"stage_name = 'Closed Lost' AND {PLAIN} AND {NUM} % 50 = 29")


def test_d4_duplicate_accounts(demo: duckdb.DuckDBPyConnection) -> None:
    rows = demo.execute(r"""
        WITH n AS (SELECT account_id, name, regexp_replace(regexp_replace(lower(domain),
                   '^(https?://)?(www\.)?', ''), '/.*$', '') AS d FROM accounts)
        SELECT a.account_id, b.account_id, a.name, b.name FROM n a JOIN n b
        ON a.d = b.d AND a.account_id < b.account_id""").fetchall()
    originals = {int(a[4:]) for a, _, _, _ in rows}
    assert originals == set(range(37, accounts_for(N) + 1, 100))
    assert all(int(b[4:]) == int(a[4:]) + 50_000_000 for a, b, _, _ in rows)
    assert all(dup.lower().rstrip(". inc") == name.lower() for _, _, name, dup in rows)
    assert one(demo, "SELECT count(*) FROM opportunities WHERE account_id >= 'ACC-5'") == 0


def test_d5_d11_d12_contact_and_lead_defects(demo: duckdb.DuckDBPyConnection) -> None:
    valid = r"regexp_full_match(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$')"
    bad_leads = {i for (i,) in demo.execute(
        f"SELECT CAST(substr(lead_id, 6) AS BIGINT) FROM leads WHERE NOT {valid}").fetchall()}
    lead_nums = {i for (i,) in demo.execute(
        "SELECT CAST(substr(lead_id, 6) AS BIGINT) FROM leads").fetchall()}
    d5 = {n for n in lead_nums if n % 67 == 5}
    d11 = {n for n in range(N + 2, 2 * N + 1) if n % 101 == 9 and n not in d5}
    assert d5 and bad_leads == d5 | {n for n in d11 if n - 1 in d5}
    bad_contacts = {i for (i,) in demo.execute(
        f"SELECT CAST(substr(contact_id, 5) AS BIGINT) FROM contacts WHERE NOT {valid}")
        .fetchall()}
    assert bad_contacts == set(range(11, 2 * accounts_for(N) + 1, 89))
    assert one(demo, "SELECT count(*) - count(DISTINCT lower(email)) FROM contacts") == 0
    dup_pairs = demo.execute("""SELECT max(CAST(substr(lead_id, 6) AS BIGINT)),
        min(CAST(substr(lead_id, 6) AS BIGINT)), count(*) FROM leads
        GROUP BY lower(trim(email)) HAVING count(*) > 1""").fetchall()
    assert {hi for hi, _, _ in dup_pairs} == d11
    assert all(lo == hi - 1 and c == 2 for hi, lo, c in dup_pairs)
    no_source = {i for (i,) in demo.execute("SELECT CAST(substr(lead_id, 6) AS BIGINT) FROM leads "
                                           "WHERE lead_source IS NULL").fetchall()}
    assert no_source == {n for n in range(N + 1, 2 * N + 1) if n % 150 == 77}


def test_d8_only_the_documented_inactive_owner_holds_open_deals(
        demo: duckdb.DuckDBPyConnection) -> None:
    rows = demo.execute("""SELECT o.owner_id, count(*) FROM opportunities o JOIN users u
        ON u.user_id = o.owner_id WHERE NOT u.is_active AND NOT o.is_closed
        GROUP BY 1""").fetchall()
    assert [r[0] for r in rows] == ["USR-00112"] and rows[0][1] > 0
    assert one(demo, "SELECT termination_date FROM users WHERE user_id = 'USR-00112'") == (
        END - timedelta(days=30))


# --- documented effects -----------------------------------------------------------------------

def test_e1_negotiation_is_slow_in_emea(demo: duckdb.DuckDBPyConnection) -> None:
    medians = dict(demo.execute("""
        WITH h AS (SELECT opportunity_id, stage_name, changed_at,
                     lead(changed_at) OVER w AS nxt, lag(stage_name) OVER w AS prev
                   FROM opportunity_history
                   WINDOW w AS (PARTITION BY opportunity_id ORDER BY changed_at, history_id)),
        v AS (SELECT opportunity_id, changed_at, nxt FROM h
              WHERE stage_name = 'Negotiation' AND prev IS DISTINCT FROM stage_name
                AND nxt IS NOT NULL)
        SELECT o.region, median(epoch(v.nxt - v.changed_at) / 86400) FROM v
        JOIN v_opps o USING (opportunity_id) GROUP BY 1""").fetchall())
    others = [d for r, d in medians.items() if r != "EMEA"]
    assert len(others) == 3 and medians["EMEA"] > 2 * max(others)


def test_e2_emea_commercial_under_adopts_gong(demo: duckdb.DuckDBPyConnection) -> None:
    rates = dict(demo.execute("""
        WITH lic AS (SELECT la.user_id, t.name AS team FROM license_assignments la
                     JOIN users u USING (user_id) JOIN teams t ON t.team_id = u.team_id
                     WHERE la.tool_name = 'Gong' AND u.is_human
                       AND la.assigned_from <= DATE '2025-05-16'
                       AND (la.assigned_to IS NULL OR la.assigned_to >= DATE '2025-05-31')),
        act AS (SELECT DISTINCT user_id FROM usage_events WHERE tool_name = 'Gong'
                AND event_type <> 'login' AND occurred_at >= DATE '2025-05-01'
                AND occurred_at < DATE '2025-06-01')
        SELECT team, avg(CASE WHEN act.user_id IS NULL THEN 0 ELSE 1 END)
        FROM lic LEFT JOIN act USING (user_id) GROUP BY 1""").fetchall())
    assert rates["EMEA Commercial"] < 0.6
    assert min(r for t, r in rates.items() if t != "EMEA Commercial") > 0.7


def test_e3_one_quarter_with_a_finance_mismatch(demo: duckdb.DuckDBPyConnection) -> None:
    accuracy = dict(demo.execute("""
        WITH r AS (SELECT opportunity_id, fiscal_bucket_start(close_date, 2, 3) AS qs,
                          amount_corp AS crm FROM v_opps WHERE status = 'won'),
        l AS (SELECT e.opportunity_id, sum(e.amount / f.units_per_corporate) AS fin
              FROM ledger_entries e JOIN fx_rates f ON f.currency_code = e.currency_code
               AND e.posting_date >= f.start_date
               AND (f.next_start_date IS NULL OR e.posting_date < f.next_start_date)
              WHERE e.gl_category = 'revenue' AND e.opportunity_id IS NOT NULL GROUP BY 1)
        SELECT qs, 1 - sum(abs(coalesce(crm, 0) - coalesce(fin, 0))) / sum(abs(fin))
        FROM r LEFT JOIN l USING (opportunity_id)
        WHERE qs BETWEEN DATE '2022-08-01' AND DATE '2025-02-01' GROUP BY 1""").fetchall())
    mismatch = date(2024, 11, 1)  # q0 - 6 months
    assert accuracy[mismatch] < 0.95 and accuracy[mismatch] == min(accuracy.values())
    others = sorted(v for q, v in accuracy.items() if q != mismatch)
    assert others[len(others) // 2] > 0.97


def test_e5_e6_sync_incident_and_sla_trend(demo: duckdb.DuckDBPyConnection) -> None:
    incident, steady = demo.execute(f"""SELECT
        avg(CASE WHEN status = 'error' THEN 1 ELSE 0 END) FILTER (WHERE started_at::DATE
            BETWEEN DATE '{END}' - 41 AND DATE '{END}' - 40),
        avg(CASE WHEN status = 'error' THEN 1 ELSE 0 END) FILTER (WHERE started_at::DATE
            NOT BETWEEN DATE '{END}' - 41 AND DATE '{END}' - 40)
        FROM integration_sync_log WHERE sync_id NOT LIKE '%-R'""").fetchall()[0]
    assert 0.005 < steady < 0.03 and incident > 5 * steady
    sla = dict(demo.execute("""SELECT fiscal_year(created_at::DATE, 2, TRUE),
        count(*) FILTER (WHERE resolved_at <= sla_due_at) / count(*) FILTER (WHERE
          resolved_at IS NOT NULL OR sla_due_at < TIMESTAMP '2025-07-01')
        FROM ops_requests GROUP BY 1""").fetchall())
    assert sla[2023] < 0.9 < sla[2025]
    assert 0.2 < one(demo, "SELECT avg(CASE WHEN resolution_method = 'automated' THEN 1 ELSE 0 "
                           "END) FROM ops_requests") < 0.45


def test_arr_and_subscriptions(demo: duckdb.DuckDBPyConnection) -> None:
    arr = dict(demo.execute("""SELECT d, sum(mrr * 12) FROM subscriptions,
        (VALUES (DATE '2022-06-30'), (DATE '2025-06-30')) t(d)
        WHERE start_date <= d AND d <= end_date AND (cancelled_at IS NULL OR d < cancelled_at)
        GROUP BY d""").fetchall())
    assert 0 < arr[date(2022, 6, 30)] < arr[date(2025, 6, 30)]
    assert one(demo, """SELECT count(*) FROM (SELECT account_id, sum(mrr) AS m FROM subscriptions
        WHERE start_date <= DATE '2025-06-30' AND end_date >= DATE '2025-06-30'
          AND (cancelled_at IS NULL OR cancelled_at > DATE '2025-06-30')
        GROUP BY 1) WHERE m < 0""") == 0
    statuses = {s for (s,) in demo.execute("SELECT DISTINCT status FROM subscriptions").fetchall()}
    assert statuses == {"active", "renewed", "cancelled"}
