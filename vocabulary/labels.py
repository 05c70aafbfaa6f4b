"""Label names: the questions a sentence is labelled for and the statement-level areas summarised.

They are column names of the labels and statement_summaries tables (db/schema.py builds those
from them), the classifiers' outputs (classify/) and the published facets (publish/).
Definitions: ../shared/DESIGN.md "Labels".
"""

from __future__ import annotations

# Layer 1: criteria relevance (AIMS.au's 11 questions), one 0/1 column each.
CRITERIA: tuple[str, ...] = (
    "approval",
    "signature",
    "c1_reporting_entity",
    "c2_structure",
    "c2_operations",
    "c2_supply_chains",
    "c3_risk_description",
    "c4_risk_mitigation",
    "c4_remediation",
    "c5_effectiveness",
    "c6_consultation",
)

# Layer 2: evidence status, one label per sentence.
EVIDENCE_LABELS: tuple[str, ...] = ("commitment", "action", "impact", "negative", "none")

# The six areas a UK statement may declare in the registry (s.54(5) and guidance).
UK_AREAS: tuple[str, ...] = (
    "org_structure",
    "policies",
    "risk_assessment",
    "due_diligence",
    "training",
    "goals",
)

# AU s.16(1) mandatory criteria as the summary reports them.
AU_CRITERIA: tuple[str, ...] = ("au_c1", "au_c2", "au_c3", "au_c4", "au_c5", "au_c6", "au_c7")
