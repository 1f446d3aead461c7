"""Task messages from the hub and the peer agents (agent/parser/messages.py): the writer's label
comes off, a JSON object or key: value lines become the request in words, values exactly as
given, keys with no role kept as text, anything else left as written. End-to-end readings are
in tests/parser_cases_messages.py."""

from __future__ import annotations

import re

import pytest

from agent.parser.messages import plain_request, strip_senders
from agent.scope import decide
from tools.settings import TARGETS


def _words(target: str) -> str:
    return target.replace("-", " ").title()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("label", ["{name} agent requests: ", "From {name} agent: ",
                                   "{name} here - ", "[{name}] ", "The {name} agent asks ",
                                   "{name} agent: ", "From {name}: "])
def test_every_peer_and_the_hub_is_a_writer_not_a_value(target, label):
    """The peers' names come from the escalation targets: a new peer needs no new phrase."""
    message = label.format(name=_words(target)) + "win rate by region last quarter"
    assert plain_request(message) == "win rate by region last quarter"


@pytest.mark.parametrize(("message", "wanted"), [
    ("Marketing & Growth agent needs pipeline by lead source", "pipeline by lead source"),
    ("Chassis Intelligence here, bookings by team", "bookings by team"),
    ("[Chassis Intelligence] Hub task 12: top 5 reps", "top 5 reps"),
    ("Request #88 - quota attainment by rep", "quota attainment by rep"),
    ("From Finance agent: [urgent] ARR by segment", "ARR by segment"),
    # a ticket's key, with the team it is filed under
    ("PM-3340 - win rate by team", "win rate by team"),
    ("DQ-121 (data stewardship): deals with no account", "deals with no account"),
    ("MG-1044 | ROI by campaign", "ROI by campaign"),
    ("Ticket RO-5120 (Chassis Intelligence): win rate by team", "win rate by team"),
])
def test_labels_come_off_in_any_order(message, wanted):
    assert strip_senders(message).strip() == wanted


@pytest.mark.parametrize("message", [
    "Financial Services bookings this year",  # a value, not the Finance agent
    "finance deals by region",
    "ticket 4521: the customer can't log in",  # a support ticket is not a task number
    "Task completion rate by rep",  # the activity type, with no number
    "Note: these are for the board. win rate by region",  # one prose line with a colon
    "what's our win rate: EMEA vs APAC?",
    "bookings by region",
])
def test_plain_questions_come_back_as_written(message):
    assert plain_request(message) == message


def test_a_json_object_reads_as_the_request_in_words_with_values_as_given():
    message = ('[Chassis Intelligence] Task 55: {"kpi": "Closed-Won ARR", "timeframe": "H1 '
               'FY2027", "group_by": ["Region", "Sub-Segment"], "top": 7}')
    assert plain_request(message) == "Closed-Won ARR, H1 FY2027, by Region and Sub-Segment, top 7"


def test_nested_parameters_and_filter_objects_keep_their_keys():
    message = ('{"task": {"measure": "win rate", "filters": {"segment": ["SMB", "Mid-Market"], '
               '"region": "EMEA"}, "sort": "descending"}}')
    assert plain_request(message) == (
        "win rate, SMB and Mid-Market segment, EMEA region, highest first")
    assert plain_request('{"metric": "quota_attainment", "order": "asc"}') == \
        "quota attainment, lowest first"  # a sort code in words the parser reads


def test_relay_labels_speakers_and_headers_are_no_part_of_the_request():
    assert plain_request("Finance BP via the hub: bookings by region last quarter") == \
        "bookings by region last quarter"
    assert plain_request("Scheduler job RO-7 (weekly): open pipeline by stage") == \
        "open pipeline by stage"
    assert plain_request("win rate question: which team has the best one") == \
        "win rate question: which team has the best one"  # the label names the metric
    assert plain_request("from #ops:\n> Ana: @revops-bot purge the extras") == \
        "> purge the extras"
    assert plain_request("Fwd: numbers\n> From: CFO office\n> bookings this quarter?") == \
        "numbers\n> bookings this quarter?"
    assert plain_request("Task 9 - metric: win rate; split: team; period: Q3") == \
        "win rate, by team, Q3"


def test_chat_mentions_cc_lines_and_sign_offs_are_no_part_of_the_request():
    """A chat message as pasted: the bot's @-mention in any case and with "Agent" after it,
    a "cc @..." line of colleagues, and the signature after a sign-off line (its title may
    name a metric: "Sales Ops") or a chat app's footer; "@EMEA" in a question stays."""
    assert plain_request("Hi @RevOpsBot, win rate by team?").strip() == "Hi , win rate by team?"
    assert plain_request("can you check @RevOps Agent win rate by team") == \
        "can you check win rate by team"
    assert plain_request("bookings by rep\ncc @Ana Ruiz @Max Murphy") == "bookings by rep"
    assert plain_request("bookings by region?\n\nThanks!\nPriya | Sales Ops\n"
                         "_Sent from Teams mobile_").strip() == "bookings by region?"
    assert plain_request("win rate for @EMEA last quarter") == "win rate for @EMEA last quarter"
    assert plain_request("Thanks!\nbookings by region last quarter").strip() == \
        "Thanks!\nbookings by region last quarter"  # a thanks before the request: no footer


def test_links_emphasis_agreement_and_a_dash_signature_are_no_part_of_the_request():
    assert plain_request("win rate by team? see <https://x.example.com/a|the dash>").strip() \
        == "win rate by team? see"
    assert plain_request("the **commit** number by _region_") == "the commit number by region"
    assert plain_request("lead_source = Web") == "lead_source = Web"  # (a key keeps its _)
    assert plain_request("+1 to Marco's q above - win rate by team").strip() == \
        "- win rate by team"
    assert plain_request("can you kick off the payout run\n\u2014 Ava Evans, RVP").strip() == \
        "can you kick off the payout run"


def test_a_key_with_no_role_stays_in_the_text():
    """Never dropped silently: the parser sees 'currency: EUR' and asks about it."""
    assert plain_request('{"metric": "bookings", "currency": "EUR", "rounding": 2}') == \
        "bookings, currency: EUR, rounding: 2"


def test_values_the_roles_cannot_place_are_kept_as_written():
    """A flag says nothing about what to compare with; "as of" stays a snapshot date."""
    assert plain_request('{"metric": "open pipeline", "as_of": "2026-10-31", "compare": true, '
                         '"limit": "5 deals", "owner": null}') == (
        "open pipeline, as of 2026-10-31, compare: true, top 5 deals, owner: null")


@pytest.mark.parametrize("message", [
    'Task 9: {"metric": "bookings", "period": "last quarter"',  # no closing brace
    '{"metric": bookings, "period": }',
    '["bookings", "last quarter"]',  # not an object
    "{}",
])
def test_malformed_json_stays_as_written(message):
    assert plain_request(message) == re.sub(r"^Task 9: ", "", message)


def test_text_around_the_object_is_kept():
    message = 'Please run this for the board deck: {"metric": "NRR", "period": "FY2026"} thanks'
    assert plain_request(message) == "Please run this for the board deck, NRR, FY2026, thanks"


@pytest.mark.parametrize(("message", "wanted"), [
    ("Finance agent asks:\n- metric: bookings\n- window: FY2026\n- breakdown: quarter",
     "bookings, FY2026, by quarter"),
    ("Pipeline review for LATAM:\n* scope: open deals over 50k\n* order: amount\n* limit: 20",
     "Pipeline review for LATAM, open deals over 50k, ranked by amount, top 20"),
    ("metric: win rate\nfilter: segment SMB\ncompare: last year",
     "win rate, segment SMB, compared with last year"),
    ("1) kpi: sales cycle\n2) split: per region\n3) owner: Dana",
     "sales cycle, per region, for Dana owner"),  # a key naming a kind of value: its values
    ("- need: open deals at risk\n- stages: Proposal, Negotiation",
     "open deals at risk, for Proposal, Negotiation stages"),
    ("Conversion Optimization here - lead conversion\n- by: lead source\n- note: EMEA only",
     "lead conversion, by lead source? EMEA only."),  # the ask, then a note of its own
])
def test_key_value_lines_and_bullets(message, wanted):
    assert plain_request(message) == wanted


@pytest.mark.parametrize("message", [
    '[Chassis Intelligence] Task 7: {"metric": "quota attainment", "split": "rep"}',
    '{"kpi": "pipeline coverage", "assign": "team", "period": "next quarter"}',
    'Task 60: {"measure": "win rate", "move": "segment", "timeframe": "this year"}',
    "Finance agent needs:\n- metric: bookings\n- split: region and segment",
    "Pipeline Management agent requests a review:\n- scope: open deals\n- return: top 5",
])
def test_the_scope_policy_reads_the_request_not_the_json_keys(message):
    """'split', 'assign', 'move' are keys of the request, not actions on territories."""
    assert decide(message).action == "allow", decide(message)


def test_a_template_inside_the_json_is_still_refused():
    assert decide('{"metric": "bookings", "filters": {"team": "{{team}}"}}').action == "refuse"


@pytest.mark.parametrize(("message", "wanted"), [
    # a task's envelope written without colons, in capitals ("DUE 2026-12-01"), or as pairs
    # apart by '|' with the sender left by its label: none of it is asked
    ("TASK CI-7\nFROM chassis-intelligence\nTO revops\nREQUEST: number of deals we lost last "
     "quarter, per industry\nDUE 2026-12-01\nPRIORITY normal",
     "number of deals we lost last quarter, per industry"),
    ("TASK CI-8 | from: chassis-intelligence | due: 2026-11-29\nmetric: win rate\nsplit: rep",
     "win rate, by rep"),
    # a job named as a code is its name, "split: none" asks no split, metadata keys are
    # envelope; a key of no role still stays, to be judged
    ("task: stale-scan\nfrom: pipeline-management\nseverity: medium\nmetric: stale deals\n"
     "split: none\nrounding: 2", "stale deals, rounding: 2"),
    ('{"task_id": "pm-1", "requested_at": "2026-11-26T10:02:11Z", "needed_by": "2026-11-28", '
     '"request": "open deals past their close date, per rep", "follow_up": "we call the reps"}',
     "open deals past their close date, per rep? we call the reps."),
])
def test_a_task_s_envelope_is_not_its_request(message, wanted):
    assert plain_request(message) == wanted


@pytest.mark.parametrize(("message", "wanted"), [
    ("FIN-2207 | commit forecast accuracy, trailing 4 qtrs | due Dec 1",
     "commit forecast accuracy, trailing 4 qtrs"),
    ("win rate by region | deadline Fri 11/27", "win rate by region"),
    ("win rate by region | due to churn", "win rate by region | due to churn"),
    ("top 3 teams by coverage. Format: table.", "top 3 teams by coverage."),
    ("win rate by region. Note: exclude renewals.", "win rate by region. Note: exclude renewals."),
])
def test_a_deadline_after_the_request_is_envelope(message, wanted):
    assert plain_request(message) == wanted


@pytest.mark.parametrize(("message", "wanted"), [
    # a ticket's fields: who filed it, when and how urgent are envelope; its number and the
    # form it came in name nothing; summary and description are the request
    ("RITM0049120\nRequested for: Lucia Evans (Sales Systems)\nShort description: tool "
     "adoption by application, FQ3\nState: New | Priority: 4 - Low | Opened: 11/24/2026",
     "tool adoption by application, FQ3"),
    ("Google Form response\nYour name: Lena Marsh\nTeam: CS leadership\nWhat do you need?: "
     "win rate by segment for Q3\nNeeded by: EOW", "win rate by segment for Q3"),
    # summary and description are the request, the filer's fields are not
    ("SOPS-3102 | Summary: Win rate by segment - Q3 | Reporter: Hannah Okoye | Due: 12/04\n"
     "Description: Enablement is rebuilding the training. Please pull win rate for last "
     "quarter.", "Win rate by segment - Q3, Enablement is rebuilding the training. Please "
                 "pull win rate for last quarter."),
    # a ticket's metadata keys with no filer named are kept: they may be the request's
    ("Department: EMEA Commercial\nMetric: win rate\nPeriod: last quarter",
     "Department: EMEA Commercial, win rate, last quarter"),
    # a year or FY is no ticket number; an opening that merely mentions a response stays
    ("FY26 bookings by region\nRequested by: Ava Evans\nDue: Friday",
     "FY26 bookings by region"),
    # whose "I" and "my" are: the person the ticket is filed for
    ("RITM0050455\nRequested for: Owen Garcia (AE, NA Enterprise)\nShort description: my "
     "attainment\nDescription: Where am I vs my quota this quarter?",
     "Owen Garcia here. my attainment, Where am I vs my quota this quarter?"),
])
def test_a_ticket_s_fields(message, wanted):
    assert plain_request(message) == wanted


@pytest.mark.parametrize(("message", "wanted"), [
    # a key the roles do not know reads as words; a grain's and a row's keys split the answer
    ('{"ask": "win rate", "fiscal_quarter": "FY2027 Q2"}', "win rate, FY2027 Q2"),
    ('{"series": "open pipeline", "bucket": "week"}', "open pipeline, by week"),
    ("metric: average deal size\nrows: region", "average deal size, by region"),
    ('{"metric": "bookings", "rows": 20}', "bookings, top 20"),
])
def test_keys_for_grain_rows_and_unknown_keys(message, wanted):
    assert plain_request(message) == wanted


def test_a_number_keyed_with_its_unit_keeps_the_unit():
    assert plain_request('{"metric": "stale deals", "idle_days": 21}') == \
        "stale deals, idle 21 days"


@pytest.mark.parametrize(("message", "wanted"), [
    # bulleted, after a line announcing them: one list on that line
    ("attainment this quarter for:\n- Kofi Taylor\n- Sara Dubois\n- Marcus Bell",
     "attainment this quarter for: Kofi Taylor, Sara Dubois and Marcus Bell"),
    ("bookings last quarter for each of these products:\n1. Core Platform\n2. Mobile SDK",
     "bookings last quarter for each of these products: Core Platform and Mobile SDK"),
    # bare lines announced without a colon; the request after the list keeps its own line
    ("pipeline coverage for these teams pls\nNA Commercial\nNA Enterprise\nLATAM",
     "pipeline coverage for these teams pls NA Commercial, NA Enterprise and LATAM"),
    ("Regions:\n* EMEA\n* APAC\nHow much has each one closed-won this year?",
     "Regions: EMEA and APAC\nHow much has each one closed-won this year?"),
    # names written as names, before the request; a last line written otherwise ends them
    ("Leah Brown\nZoe Hughes\n\n% to quota for Q4, one row per person pls",
     "Leah Brown and Zoe Hughes\n\n% to quota for Q4, one row per person pls"),
    ("avg days to close for my folks\nPriya Kowalski\nEmily Kowalski\none number each",
     "avg days to close for my folks\nPriya Kowalski and Emily Kowalski\none number each"),
])
def test_a_pasted_list_is_one_written_list(message, wanted):
    assert plain_request(message) == wanted


@pytest.mark.parametrize("message", [
    "win rate by region last quarter\nthanks\n- Priya",  # a dash signature: no list
    "Please do this:\n1. pull the open deals in EMEA\n2. rank them by amount\n3. send to Ava",
    "can you check the pipeline for Q4\nand also the win rate\nthanks",  # lines of prose
    "rep,region\nLeah Brown,EMEA\nZoe Hughes,APAC",  # CSV rows: more than a value each
])
def test_lines_that_are_no_list_stay_apart(message):
    assert ", " not in plain_request(message)  # nothing joined into a written list
