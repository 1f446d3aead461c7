"""Fixed vocabularies of the demo company: org chart, stages, products, word lists.

Kept in Python (not buried in SQL) so docs/demo.md, the tests and the SQL steps share one source;
the generator renders them into small reference tables and list macros.
"""

from __future__ import annotations

from typing import Final

COMPANY_NAME: Final = "Brightwave Software"
COMPANY_DOMAIN: Final = "brightwave.io"
CORPORATE_CURRENCY: Final = "USD"
PIPELINE_ID: Final = "default"

# territory_id, name (= region)
TERRITORIES: Final = (
    ("TERR-NA", "North America"),
    ("TERR-EMEA", "EMEA"),
    ("TERR-APAC", "APAC"),
    ("TERR-LATAM", "LATAM"),
)

# team_no, team_id, name, territory_id, kind (which segments it sells to), share of reps/accounts
TEAMS: Final = (
    (1, "TEAM-NAE", "NA Enterprise", "TERR-NA", "ent", "0.15"),
    (2, "TEAM-NAC", "NA Commercial", "TERR-NA", "comm", "0.25"),
    (3, "TEAM-EME", "EMEA Enterprise", "TERR-EMEA", "ent", "0.12"),
    (4, "TEAM-EMC", "EMEA Commercial", "TERR-EMEA", "comm", "0.20"),
    (5, "TEAM-APAC", "APAC", "TERR-APAC", "all", "0.15"),
    (6, "TEAM-LATAM", "LATAM", "TERR-LATAM", "all", "0.13"),
)

# stage_no, stage_name, default_probability, is_closed, is_won, forecast_category
STAGES: Final = (
    (1, "Prospecting", "0.10", False, False, "pipeline"),
    (2, "Discovery", "0.25", False, False, "pipeline"),
    (3, "Proposal", "0.50", False, False, "best_case"),
    (4, "Negotiation", "0.75", False, False, "commit"),
    (5, "Closed Won", "1.00", True, True, "closed"),
    (6, "Closed Lost", "0.00", True, False, "omitted"),
)

# product_no, product_id, name, code, family, is_recurring, billing frequency, USD list price
PRODUCTS: Final = (
    (1, "PRD-PLAT", "Core Platform", "PLAT", "Platform", True, "annual", 1200),
    (2, "PRD-ANLT", "Analytics Add-on", "ANLT", "Add-ons", True, "annual", 360),
    (3, "PRD-AUTO", "Workflow Automation", "AUTO", "Add-ons", True, "annual", 240),
    (4, "PRD-CONN", "Data Connectors", "CONN", "Integrations", True, "annual", 3000),
    (5, "PRD-SUPP", "Premium Support", "SUPP", "Support", True, "annual", 6000),
    (6, "PRD-IMPL", "Implementation Services", "IMPL", "Services", False, "one_time", 7500),
    (7, "PRD-TRNG", "Training Workshop", "TRNG", "Services", False, "one_time", 1800),
)

# currency, units per USD around which the monthly dated rates wiggle (also the price book)
CURRENCIES: Final = (("USD", "1.0"), ("EUR", "0.92"), ("GBP", "0.79"))

SEGMENTS: Final = ("SMB", "Mid-Market", "Enterprise")
LEAD_SOURCES: Final = ("Inbound", "Outbound", "Partner", "Event", "Web")
INDUSTRIES: Final = (
    "Software", "Financial Services", "Healthcare", "Manufacturing",
    "Retail", "Education", "Media", "Logistics",
)
DEAL_TYPES: Final = ("new_business", "expansion", "renewal", "contraction")
LOST_REASONS: Final = ("Price", "Competitor", "No Decision", "Timing", "Product Fit", "Duplicate")

# tool_no, tool_name, license_type, annual cost per seat
TOOLS: Final = (
    (1, "Salesforce", "Sales Cloud Enterprise", 1800),
    (2, "Outreach", "Outreach Standard", 1200),
    (3, "Gong", "Gong Foundation", 1400),
)
UNDER_ADOPTING_TEAM: Final = "EMEA Commercial"
UNDER_ADOPTED_TOOL: Final = "Gong"
SLOW_REGION: Final = "EMEA"
SLOW_STAGE: Final = "Negotiation"

# Weighted lists: a value repeated k times is k times as likely.
COUNTRIES: Final = {
    "North America": ("United States",) * 4 + ("Canada",),
    "EMEA": ("United Kingdom", "United Kingdom", "Germany", "Germany", "France", "Netherlands",
             "Spain", "Ireland", "Sweden", "United Arab Emirates"),
    "APAC": ("Australia", "Australia", "Japan", "Singapore", "India", "New Zealand"),
    "LATAM": ("Brazil", "Brazil", "Mexico", "Mexico", "Argentina", "Chile", "Colombia"),
}
EUR_COUNTRIES: Final = ("Germany", "France", "Netherlands", "Spain", "Ireland")
GBP_COUNTRIES: Final = ("United Kingdom",)

FIRST_NAMES: Final = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Sophia", "Mateo", "Isabella", "Ethan",
    "Mia", "Leo", "Amelia", "Arjun", "Harper", "Kenji", "Chloe", "Omar", "Grace", "Diego",
    "Zoe", "Hugo", "Lily", "Felix", "Nora", "Ravi", "Elena", "Samuel", "Hannah", "Tomas",
    "Priya", "Daniel", "Laura", "Marco", "Aisha", "Jonas", "Clara", "Wei", "Sara", "Pablo",
    "Maya", "Oscar", "Julia", "Yusuf", "Ines", "Adam", "Freya", "Luca", "Anna", "Rafael",
    "Leah", "Ben", "Camila", "Erik", "Naomi", "Victor", "Alice", "Kofi", "Emily", "Sven",
    "Lucia", "Max", "Yara", "Owen",
)
LAST_NAMES: Final = (
    "Smith", "Garcia", "Chen", "Mueller", "Rossi", "Tanaka", "Patel", "Silva", "Johnson",
    "Kim", "Martin", "Lopez", "Nguyen", "Schmidt", "Dubois", "Kowalski", "Brown", "Singh",
    "Andersson", "Costa", "Williams", "Sato", "Fischer", "Moreau", "Haddad", "Jones", "Novak",
    "Fernandez", "Murphy", "Wang", "Hansen", "Okafor", "Taylor", "Ito", "Weber", "Laurent",
    "Gomez", "Clarke", "Ali", "Berg", "Walker", "Park", "Romano", "Keller", "Mendes", "Evans",
    "Suzuki", "Becker", "Reyes", "Larsen", "Hughes", "Lin", "Ward", "Bauer", "Torres", "Young",
    "Yamamoto", "Wagner", "Ortiz", "Nielsen", "Reed", "Zhang", "Price", "Vargas",
)
NAME_PREFIXES: Final = (
    "North", "Blue", "Silver", "Bright", "Iron", "Red", "Green", "Stone", "Clear", "Swift",
    "Summit", "River", "Oak", "Pine", "Star", "Sun", "Cloud", "Harbor", "Maple", "Golden",
    "Crystal", "Eagle", "Falcon", "Atlas", "Nova", "Polar", "Coral", "Cedar", "Amber", "Granite",
    "Lake", "Sky", "Prime", "Vertex", "Echo", "Delta", "Apex", "Orbit", "Quantum", "Vista",
    "Crest", "Frontier", "Pioneer", "Beacon", "Horizon", "Meridian", "Pacific", "Alpine",
    "Copper", "Royal", "Urban", "Metro", "Global", "True", "Bold", "Rapid", "Lumen", "Terra",
    "Aqua", "Zen", "Ember", "Willow", "Arrow", "Sterling",
)
NAME_STEMS: Final = (
    "wind", "stone", "field", "bridge", "wave", "path", "point", "gate", "works", "line",
    "forge", "view", "light", "spring", "ridge", "port", "mark", "wood", "dale", "crest",
    "shore", "peak", "grid", "flow", "bay", "core", "scale", "loop", "stack", "hub",
    "mill", "track", "vale", "brook", "cast", "wing", "craft", "sight", "bound", "spark",
    "tide", "moor", "glen", "ford", "haven", "well", "rock", "star", "leaf", "fort",
    "lane", "yard", "land", "sail", "base", "dock", "arc", "link", "beam", "side",
    "hill", "crown", "sphere", "stream",
)
NAME_SUFFIXES: Final = (
    "Systems", "Labs", "Group", "Technologies", "Partners", "Solutions", "Holdings", "Networks",
    "Analytics", "Industries", "Logistics", "Health",
)
