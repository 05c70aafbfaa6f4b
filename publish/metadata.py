"""Builds datasette_metadata.json from the descriptions, canned queries and dashboard modules.

The JSON file is what Datasette reads and what is committed; this module is where it is edited,
so that SQL stays readable and the 11 criteria are described once. Regenerate with
`python -m publish.metadata` (a test fails when the file is stale).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from msa.paths import METADATA_PATH
from publish.dashboard import dashboard
from publish.descriptions import HIDDEN, QUERY_COLUMNS, TABLES
from publish.queries import canned_queries
from vocabulary.labels import CRITERIA, EVIDENCE_LABELS
from vocabulary.roles import DOCUMENT_ROLE_PREFERENCE

DATABASE = "msa"
UK_SOURCE = "https://modern-slavery-statement-registry.service.gov.uk/"
AU_SOURCE = "https://modernslaveryregister.gov.au/"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ROBOTS_ENV = "MSA_ROBOTS_TXT"

CRITERION_OPTIONS = "".join(f'<option value="{c}">{c}</option>' for c in CRITERIA)

DESCRIPTION_HTML = f"""
<p>Modern slavery statements filed under the UK Modern Slavery Act 2015 (s.54) and the Australian
Modern Slavery Act 2018 (s.16), collected from the two government registries and the companies' own
sites. Every sentence is classified against the reporting criteria and as a commitment, an action or
evidence of impact.</p>
<form class="msa-search" action="/{DATABASE}/search_sentences" method="get">
  <label for="msa-q"><strong>Search every sentence</strong></label>
  <input type="search" id="msa-q" name="q" placeholder="e.g. recruitment fees repaid" size="40">
  <select name="evidence" aria-label="Evidence label">
    <option value="">any evidence</option><option value="impact">impact</option>
    <option value="action">action</option><option value="commitment">commitment</option>
    <option value="negative">negative</option><option value="none">none</option>
  </select>
  <select name="criterion" aria-label="Criterion">
    <option value="">any criterion</option>{CRITERION_OPTIONS}
  </select>
  <select name="jurisdiction" aria-label="Jurisdiction">
    <option value="">any jurisdiction</option><option value="uk">United Kingdom</option>
    <option value="au">Australia</option>
  </select>
  <input type="hidden" name="year" value="">
  <button type="submit">Search</button>
</form>
<p><strong>Start here:</strong>
<a href="/{DATABASE}/company_statements">a company's statements over the years</a> &middot;
<a href="/{DATABASE}/search_impact_sentences">evidence-of-impact sentences</a> &middot;
<a href="/{DATABASE}/statements_with_impact">how many statements show impact</a> &middot;
<a href="/{DATABASE}/compliance_summary">compliance summary</a> &middot;
<a href="/{DATABASE}/missing_content">statements missing mandatory content</a> &middot;
<a href="/{DATABASE}/registry_mismatches">registry vs text mismatches</a> &middot;
<a href="/{DATABASE}/late_statements">late statements</a> &middot;
<a href="/{DATABASE}/search_boilerplate">boilerplate</a> &middot;
<a href="/{DATABASE}/what_changed">what changed since last year</a> &middot;
<a href="/{DATABASE}/new_statements">new statements</a>
(<a href="/{DATABASE}/new_statements.atom">feed</a>) &middot;
<a href="/{DATABASE}/changed_statements">changed statements</a>
(<a href="/{DATABASE}/changed_statements.atom">feed</a>) &middot;
<a href="/-/dashboards/coverage">dashboard</a></p>
<p><strong>Sources and licences.</strong>
UK: <a href="{UK_SOURCE}">GOV.UK Modern slavery statement registry</a> (Home Office), registry data under the
<a href="{OGL}">Open Government Licence v3.0</a>.
AU: <a href="{AU_SOURCE}">Modern Slavery Statements Register</a>
(Australian Government, Attorney-General's Department);
see the register's copyright and disclaimer page for its terms.
Statement documents are the publishing organisations' own; they are linked, and quoted sentence by sentence
for research. Labels are machine classifications by msa, not legal findings.</p>
""".strip()


def table_metadata() -> dict:
    """Descriptions, facets, sorts and labels per table."""
    tables: dict[str, dict] = {}
    for name, (description, columns) in TABLES.items():
        tables[name] = {"description": description, "columns": columns}
    for name in HIDDEN:
        tables[name]["hidden"] = True
    extra = {
        "statements": {
            "label_column": "title",
            "sort_desc": "registry_year",
            "facets": [
                "jurisdiction",
                "registry_year",
                {"array": "sectors"},
                "turnover_band",
                "statement_type",
            ],
        },
        "organisations": {"label_column": "name", "sort": "name", "facets": ["jurisdiction"]},
        "statement_organisations": {"facets": ["role"]},
        "documents": {"facets": ["extract_status", "media_type"]},
        "statement_documents": {"facets": ["status", "role"]},
        # Millions of rows: facets stay cheap (one indexed column); criteria live in `compliance`.
        "labels": {"label_column": "sentence_id", "facets": ["evidence"]},
        "sentences": {
            "label_column": "text",
            "fts_table": "sentences_fts",
            "fts_pk": "rowid",
            "searchmode": "escaped",
        },
        "statement_summaries": {"sort_desc": "impact_share"},
        "compliance": {
            "label_column": "organisation",
            "sort_desc": "registry_year",
            "facets": [
                "jurisdiction",
                "registry_year",
                {"array": "sectors"},
                "turnover_band",
                "approval",
                "signature",
                "au_criteria_met",
                "criteria_addressed",
                "late",
            ],
        },
        "statement_timeliness": {
            "sort_desc": "days_to_publication",
            "facets": [
                "jurisdiction",
                "registry_year",
                "late",
                "approved_before_period_end",
                "dates_missing",
                "dates_inconsistent",
            ],
        },
        "impact_sentences": {
            "sort_desc": "registry_year",
            "facets": ["jurisdiction", "registry_year", {"array": "sectors"}],
        },
        "boilerplate": {
            "label_column": "text",
            "sort_desc": "n_organisations",
            "facets": ["evidence", "jurisdictions"],
        },
        "boilerplate_sentences": {"facets": ["boilerplate_id"]},
        "statement_changes": {
            "label_column": "reading",
            "sort_desc": "change_size",
            "facets": ["jurisdiction", "registry_year", "comparison", "alert"],
        },
        "statement_change_sentences": {"facets": ["change", "evidence", "page_no"]},
        "statement_change_verdicts": {"facets": ["kind", "changed"]},
        "verdict_sentences": {
            "label_column": "verdict_name",
            "sort": "rank",
            "facets": ["verdict", "outcome", "basis"],
        },
        "corrections": {"sort_desc": "correction_id", "facets": ["field", "value", "who"]},
        "correction_status": {"sort_desc": "correction_id", "facets": ["status", "field", "who"]},
        "applied_corrections": {"facets": ["field"]},
    }
    for name, settings in extra.items():
        tables[name].update(settings)
    return tables


def plugin_settings() -> dict:
    """What publish/plugins/msa_datasette.py needs of vocabulary/; the plugin imports nothing of ours."""
    return {
        "document_roles": list(DOCUMENT_ROLE_PREFERENCE),
        "criteria": list(CRITERIA),
        "evidence_labels": list(EVIDENCE_LABELS),
    }


def build_metadata() -> dict:
    """The whole metadata document Datasette 0.65 reads."""
    return {
        "title": "msa: Modern Slavery Act statements",
        "description_html": DESCRIPTION_HTML,
        # Datasette links the whole licence text to license_url; the AU register's terms are in the
        # description (Australian Government, Attorney-General's Department; its copyright page).
        "license": "UK registry data: Open Government Licence v3.0",
        "license_url": OGL,
        "source": "GOV.UK Modern slavery statement registry; Australian Modern Slavery Statements Register",
        "source_url": UK_SOURCE,
        "about": "msa: Modern Slavery Act statement analyzer",
        "databases": {
            DATABASE: {
                "description": "Statements, their documents and sentences, sentence labels, statement "
                "summaries, and the tables built for publishing (compliance, "
                "impact_sentences, boilerplate).",
                "tables": table_metadata(),
                "queries": canned_queries(),
            }
        },
        "plugins": {
            "datasette-dashboards": dashboard(),
            "msa_datasette": plugin_settings(),
            # Unset: robots.txt disallows everything. `msa serve --allow-robots` sets it to allow all.
            "datasette-block-robots": {"literal": {"$env": ROBOTS_ENV}},
            # The `dictionary` export of each canned query (publish/plugins/msa_datasette.py).
            "msa-data-dictionary": {"queries": QUERY_COLUMNS},
        },
    }


def render() -> str:
    """The metadata as the JSON text committed to the repository."""
    return json.dumps(build_metadata(), indent=2, ensure_ascii=False) + "\n"


def write_metadata(path: Path = METADATA_PATH) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    out = write_metadata(Path(sys.argv[1]) if len(sys.argv) > 1 else METADATA_PATH)
    print(f"wrote {out}")
