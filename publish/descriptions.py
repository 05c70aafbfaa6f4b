"""What every published table and column means, in words for readers who do not know the schema.

The metadata builder turns these into Datasette's table and column descriptions; a test checks
that every column of every table and view in a built database has one.
"""

from __future__ import annotations

from db.schema import AU_CRITERIA, CRITERIA, EVIDENCE_LABELS, UK_AREAS
from publish.compliance import AU_COLUMNS, rollup_columns, summary_measures

CRITERION_TEXT = {
    "approval": "says the statement was approved by the organisation's board (principal governing body)",
    "signature": "is signed by a director or other responsible member",
    "c1_reporting_entity": "identifies the reporting entity (AU s.16(1)(a))",
    "c2_structure": "describes the organisation's structure (AU s.16(1)(b))",
    "c2_operations": "describes its operations (AU s.16(1)(b))",
    "c2_supply_chains": "describes its supply chains (AU s.16(1)(b))",
    "c3_risk_description": "describes the modern slavery risks in its operations and supply chains "
    "(AU s.16(1)(c))",
    "c4_risk_mitigation": "describes actions to assess and address those risks, incl. due diligence "
    "(AU s.16(1)(d))",
    "c4_remediation": "describes remediation of harm to people (AU s.16(1)(d))",
    "c5_effectiveness": "describes how the effectiveness of those actions is assessed (AU s.16(1)(e))",
    "c6_consultation": "describes consultation with owned or controlled entities (AU s.16(1)(f))",
}
EVIDENCE_TEXT = {
    "commitment": "an intention, stance or expectation with no claim that anything was done",
    "action": "something done or in place (an audit, training, a hotline, a risk assessment)",
    "impact": "what the response found, achieved or changed for people (workers repaid, a supplier exited)",
    "negative": "a declaration that nothing was found or reported",
    "none": "no claim about the response (background, definitions, headings, sign-off lines)",
}
AU_TEXT = {
    "au_c1": "(a) identify the reporting entity",
    "au_c2": "(b) structure, operations and supply chains",
    "au_c3": "(c) modern slavery risks",
    "au_c4": "(d) actions taken, incl. due diligence and remediation",
    "au_c5": "(e) how effectiveness is assessed",
    "au_c6": "(f) consultation with owned or controlled entities",
    "au_c7": "(g) other relevant information (discretionary: not_met is not a breach)",
}
AREA_TEXT = {
    "org_structure": "organisation structure, business and supply chains",
    "policies": "policies in relation to slavery and human trafficking",
    "risk_assessment": "risk assessment and management",
    "due_diligence": "due diligence processes",
    "training": "training on modern slavery",
    "goals": "goals and key performance indicators",
}
assert set(CRITERION_TEXT) == set(CRITERIA) and set(EVIDENCE_TEXT) == set(EVIDENCE_LABELS)
assert set(AU_TEXT) == set(AU_CRITERIA) and set(AREA_TEXT) == set(UK_AREAS)

EVIDENCE_COLUMN = "Evidence status of the sentence: " + "; ".join(
    f"{k} = {v}" for k, v in EVIDENCE_TEXT.items()
)
JURISDICTION = "uk (Modern Slavery Act 2015, s.54) or au (Modern Slavery Act 2018 (Cth), s.16)"
YEAR = "Registry year: the UK registry's statement year, or the year in the AU statement's IDX"
STATEMENT_ID = "The statement (uk-{year}-{registry org id} or au-{IDX}); links to its row"
SENTENCE_ID = "The sentence ({first 16 characters of the document id}-{position})"
DOCUMENT_ID = "The document: the sha256 of its bytes"
ORGANISATION = "The organisation the statement is by (a group's parent, else its first named entity)"
SECTORS = "Sectors the registry lists for the statement (a JSON list)"
TURNOVER = (
    "Turnover band (UK, e.g. '£36 million to £60 million') or annual revenue band (AU, e.g. '100-150M')"
)
SHARE_NOTE = "0-1 share of the assessed statements in the row's group"


def _criteria_columns(kind: str) -> dict[str, str]:
    if kind == "label":
        cols = {}
        for c in CRITERIA:
            cols[c] = f"1 if the sentence {CRITERION_TEXT[c]}"
            cols[f"{c}_p"] = f"Model probability (0-1) that the sentence {CRITERION_TEXT[c]}"
        return cols
    return {
        c: f"1 if at least one sentence {CRITERION_TEXT[c]}; NULL if the text was not read" for c in CRITERIA
    }


STATEMENTS = {
    "statement_id": "Stable id: uk-{registry year}-{registry org id}, or au-{IDX}",
    "jurisdiction": JURISDICTION,
    "registry_year": YEAR,
    "statement_type": "single, group (UK: one statement for several organisations), joint or voluntary (AU)",
    "title": "Organisation name the statement is filed under (a group's parent name)",
    "period_start": "Start of the reporting period (ISO date)",
    "period_end": "End of the reporting period (ISO date)",
    "registry_url": "The statement's page on the registry",
    "statement_url": "Where the registry says the statement is published (the organisation's own site)",
    "registry_pdf_url": "A copy of the statement hosted by the registry, when there is one",
    "email_only": "1 if the registry gives an email address instead of a website (UK)",
    "email_address": "That email address",
    "approving_person": "Who approved the statement, as declared to the UK registry",
    "date_approved": "Approval date declared to the UK registry (ISO date)",
    "turnover_band": TURNOVER,
    "sector_type": "Private or Public (UK registry)",
    "sectors": SECTORS,
    "headquartered_countries": "Countries of headquarters (AU register)",
    **{
        f"declared_{a}": f"1 if the UK registry entry declares the statement covers {t}; 0 if it says not"
        for a, t in AREA_TEXT.items()
    },
    "related_statements": "Other AU statements the register relates to this one (JSON list of IDX)",
    "registry_row": "The registry's own row(s) for this statement, verbatim (JSON)",
    "metadata_hash": "Hash of the registry metadata, to tell changed statements on a re-crawl",
    "source": "The registry file the statement was read from",
    "first_seen": "When the crawler first saw the statement (UTC)",
    "last_seen": "When the crawler last saw it (UTC)",
    "updated_at": "When its registry metadata last changed (UTC)",
}


def measure_descriptions() -> dict[str, str]:
    """What each share of the compliance summary is a share of (publish/compliance.py names them)."""
    out = {f"{c}_share": f"{SHARE_NOTE} whose text {CRITERION_TEXT[c]}" for c in CRITERIA}
    for code, col in AU_COLUMNS.items():
        for verdict in ("met", "partly"):
            out[f"{col}_{verdict}_share"] = (
                f"AU only: 0-1 share of the assessed AU statements in the row whose text {verdict} "
                f"s.16(1){AU_TEXT[code]}"
            )
    for area, text in AREA_TEXT.items():
        out[f"uk_{area}_declared_share"] = (
            f"UK only: 0-1 share of the UK statements whose registry entry declares {text}"
        )
        out[f"uk_{area}_detected_share"] = f"UK only: {SHARE_NOTE} whose text covers {text}"
    out["uk_mismatches_per_statement"] = (
        "UK only: mean number of areas where the registry declaration and the text disagree"
    )
    out["mean_impact_share"] = "Mean over the assessed statements of impact / (commitment + action + impact)"
    assert set(out) == {name for name, _ in summary_measures()}
    return out


def compliance_summary_columns() -> dict[str, str]:
    """The data dictionary of the compliance_summary and compliance_by_sector queries."""
    return {
        "row_type": "group: one jurisdiction and registry year (and list of sectors); total: every statement "
        "the filters keep, once",
        "jurisdiction": JURISDICTION + "; empty on the total row",
        "registry_year": YEAR + "; empty on the total row",
        "sectors": SECTORS + ": a statement in several sectors is in the row of that list, once",
        "statements": "Statements in the row (counted once each: the group rows add up to the total row)",
        "assessed": "Of those, statements whose text was read and classified (shares are over these)",
        **measure_descriptions(),
        "impact_sentences": "Sentences labelled evidence of impact in those statements",
    }


TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "statements": (
        "One row per statement in a registry, as the registry describes it (a UK group statement is one "
        "row). Open a statement to find its original document and registry page.",
        STATEMENTS,
    ),
    "organisations": (
        "Organisations named in the registries: UK registry organisations and AU reporting and included "
        "entities.",
        {
            "organisation_id": "Stable id: uk-co-{company number}, uk-org-{name}, au-abn-{ABN}, au-acn-..., "
            "au-arbn-..., au-org-{name}",
            "name": "Name as the registry gives it",
            "jurisdiction": JURISDICTION,
            "company_number": "UK Companies House number",
            "abn": "Australian Business Number",
            "acn": "Australian Company Number",
            "arbn": "Australian Registered Body Number",
            "address": "Address given to the UK registry",
            "sector_type": "Private or Public (UK registry)",
        },
    ),
    "statement_organisations": (
        "Which organisations each statement covers, and in what role.",
        {
            "statement_id": STATEMENT_ID,
            "organisation_id": "The organisation",
            "role": "member or parent (UK group statements); reporting or included (AU)",
        },
    ),
    "entities": (
        "One row per real-world organisation or group: registry organisations linked across registries "
        "and years by their numbers, a named parent, a group or joint statement, one document filed for "
        "both, or the same name (publish/entity_linking.py). Open entity_overview for its statements.",
        {
            "entity_id": "Stable id: ent-{the organisation id of its lead organisation}",
            "name": "Name of its lead organisation (the one its statements are by)",
            "n_organisations": "Registry organisations linked into it",
            "n_statements": "Statements any of them filed",
            "jurisdictions": "Registries it files in: AU, UK or AU,UK",
            "first_year": "First registry year with a statement",
            "last_year": "Last registry year with a statement",
            "lead_organisation_id": "The organisation it is named after",
            "n_candidates": "Organisations of other entities a rule was not sure enough to merge into it",
        },
    ),
    "entity_links": (
        "Which organisation, in which statement and year, belongs to which entity, by what evidence. "
        "status 'linked': merged (every organisation is linked into exactly one entity); 'candidate': a "
        "rule was not sure (e.g. the same name with another legal form in the other registry), so the "
        "organisation stays in its own entity too.",
        {
            "entity_id": "The entity",
            "organisation_id": "The organisation",
            "statement_id": STATEMENT_ID,
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            "evidence": "How it joined: company_number, abn, acn, arbn (the number it is known by), "
            "parent_name, group_member (named in one group or joint statement), same_document (filed the "
            "same document bytes), normalised_name (the same name once legal forms, punctuation and "
            "&/and are set aside)",
            "score": "How sure that evidence is, 0-1 (1: the same registered number; candidates 0.5-0.6)",
            "status": "linked or candidate",
            "organisation": "The organisation's name",
            "role": "Its role in the statement: member, parent, reporting or included",
        },
    ),
    "documents": (
        "Statement documents fetched (PDF or HTML), stored once by content hash, with their extraction "
        "outcome.",
        {
            "document_id": DOCUMENT_ID,
            "media_type": "pdf, html or other",
            "size_bytes": "Size in bytes",
            "path": "Where the bytes are stored, relative to the data directory",
            "first_fetched_at": "When the document was first fetched (UTC)",
            "extract_status": "ok, error, no_text (a scan without a text layer), landing_page (an HTML page "
            "that only links to the statement) or pending",
            "extract_error": "Why extraction failed, when it did",
            "extract_version": "Version of the extractor that read it",
            "extracted_at": "When it was extracted (UTC)",
            "backend": "Which extraction backend produced the text",
            "page_count": "Number of pages",
            "sentence_count": "Number of sentences extracted",
            "doc_metadata": "What the extractor found in the document: reporting period, approval, signatory "
            "(JSON)",
            "extract_failure": "transient (its worker died or ran out of time: tried again) or permanent, "
            "when the last extraction failed",
            "extract_attempts": "Failed extractions in a row (transient ones are tried 3 times)",
        },
    ),
    "statement_documents": (
        "Every document URL tried for each statement, with the outcome of the fetch.",
        {
            "statement_id": STATEMENT_ID,
            "url": "URL tried",
            "role": "Where the URL came from: statement (the registry's StatementURL), registry_pdf (the "
            "registry-hosted copy: UK PDFURL, AU statement PDF), registry_page (the AU statement page "
            "that names the PDF), linked_pdf (the PDF a landing page links to)",
            "status": "fetched or failed (a re-crawl answered 304 Not Modified stays fetched, with "
            "http_status 304)",
            "error": "Why the fetch failed: a category (http_404, timeout, redirect_loop, html_not_pdf, "
            "too_large, empty_body, truncated, ...) then the detail",
            "http_status": "HTTP status code",
            "final_url": "URL after redirects",
            "document_id": "The document fetched",
            "etag": "ETag header, for re-crawls",
            "last_modified": "Last-Modified header, for re-crawls",
            "fetched_at": "When it was fetched (UTC)",
        },
    ),
    "pages": (
        "The text of every page of every document.",
        {"document_id": DOCUMENT_ID, "page_no": "Page number, from 1", "text": "Text of the page"},
    ),
    "sentences": (
        "Every sentence extracted from the documents, in reading order, with its page.",
        {
            "sentence_id": SENTENCE_ID,
            "document_id": DOCUMENT_ID,
            "sentence_idx": "Position in the document, from 0",
            "page_no": "Page the sentence is on",
            "block_idx": "Position of the block (paragraph, list item, table cell) on the page",
            "block_kind": "heading, paragraph, list_item or table",
            "char_start": "Start offset in the page text",
            "char_end": "End offset in the page text",
            "text": "The sentence",
        },
    ),
    "labels": (
        "Machine labels for every sentence: which of the 11 reporting criteria it addresses, and its "
        "evidence status. These are classifications by msa's models, not legal findings.",
        {
            "sentence_id": SENTENCE_ID,
            "label_version": "Version of the classifiers that produced the labels",
            **_criteria_columns("label"),
            "evidence": EVIDENCE_COLUMN,
            "evidence_p": "Model probability (0-1) of that evidence label",
        },
    ),
    "statement_summaries": (
        "Per statement, from its labelled sentences: evidence counts and impact share, criteria addressed, "
        "AU s.16(1) verdicts, UK s.54(5) areas found, signatory.",
        {
            "statement_id": STATEMENT_ID,
            "summary_version": "Version of the summariser",
            "document_id": "The document whose sentences were summarised (NULL: no readable text)",
            "sentence_count": "Sentences in that document",
            **{f"n_{e}": f"Sentences labelled {e}" for e in EVIDENCE_LABELS},
            "impact_share": "impact / (commitment + action + impact): how much of what the statement claims "
            "is evidence of impact rather than process",
            "n_impact_confident": "Impact sentences the model is confident in (probability at least the "
            "threshold chosen on statements labelled whole, classify/models/evidence/README.md)",
            "shows_impact": "1 if the statement shows evidence of impact: at least one confident "
            "impact sentence",
            **_criteria_columns("summary"),
            **{c: f"AU s.16(1){t}: met, partly or not_met" for c, t in AU_TEXT.items()},
            **{f"uk_detected_{a}": f"1 if the text covers {t} (UK s.54(5))" for a, t in AREA_TEXT.items()},
            "uk_mismatch": "UK areas where the registry declaration and the text disagree (JSON list of "
            "area:declared_not_detected or area:detected_not_declared; NULL: nothing declared)",
            "criteria_sentences": "For each criterion, the ids of the sentences that address it best (JSON)",
            "top_impact": "The statement's strongest impact sentences (JSON)",
            "signatory": "Who signed the statement, as found in the text",
            "rationale": "Why the summary says what it says, in words",
            "summarised_at": "When the summary was computed (UTC)",
        },
    ),
    "compliance": (
        "One row per statement: registry metadata with every criterion's status, approval, signature and "
        "impact share. Filter and facet it, or export it: the CSV link with _stream=on streams every row.",
        {
            "statement_id": STATEMENT_ID,
            "organisation": ORGANISATION,
            "organisation_id": "That organisation's id",
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            "statement_type": STATEMENTS["statement_type"],
            "turnover_band": TURNOVER,
            "sector_type": STATEMENTS["sector_type"],
            "sectors": SECTORS,
            "assessed": "1 if the statement's text was read and classified; 0 if no readable document (email-"
            "only, fetch failed, scan without text): its criteria are then NULL, not 0",
            "sentence_count": "Sentences read",
            **_criteria_columns("summary"),
            "signatory": "Who signed the statement, as found in the text",
            "approving_person": STATEMENTS["approving_person"],
            "date_approved": STATEMENTS["date_approved"],
            "criteria_addressed": "How many of the 11 criteria the text addresses (0-11)",
            "au_criteria_met": "AU statements: how many of s.16(1)(a)-(f) are met (0-6)",
            **{
                AU_COLUMNS[c]: f"AU s.16(1){t}: met, partly or not_met (AU statements only)"
                for c, t in AU_TEXT.items()
            },
            "uk_mismatches": "UK statements: number of areas where registry declaration and text disagree",
            "uk_mismatch": "Those areas (JSON list of area:declared_not_detected or "
            "area:detected_not_declared)",
            **{f"declared_{a}": f"UK: 1 if the registry entry declares {t}" for a, t in AREA_TEXT.items()},
            **{f"detected_{a}": f"UK: 1 if the text covers {t}" for a, t in AREA_TEXT.items()},
            "impact_share": "impact / (commitment + action + impact) sentences",
            **{f"n_{e}": f"Sentences labelled {e}" for e in EVIDENCE_LABELS},
            "shows_impact": "1 if the statement shows evidence of impact: at least one impact sentence the "
            "model is confident in (statement_summaries.shows_impact)",
            "document_url": "The original document that was analysed",
            "registry_url": "The statement's page on the registry",
            "registry_pdf_url": "A copy hosted by the registry, when there is one",
            "period_start": "Start of the reporting period",
            "period_end": "End of the reporting period",
        },
    ),
    "compliance_groups": (
        "Built for the compliance summary: per jurisdiction, registry year and list of sectors, the number "
        "of statements and, for every share the summary reports, its sum and its count of statements.",
        {
            **{
                k: v
                for k, v in compliance_summary_columns().items()
                if k
                in ("jurisdiction", "registry_year", "sectors", "statements", "assessed", "impact_sentences")
            },
            **{
                f"{name}__{part}": f"{prefix} of: {text}"
                for name, text in measure_descriptions().items()
                for part, prefix in (("sum", "Sum"), ("n", "Count of statements with a value"))
            },
        },
    ),
    "compliance_rollup": (
        "Built for the dashboard: sums over the assessed statements per jurisdiction, registry year and "
        "sector (sector '' for every sector at once; otherwise one sector, a statement in two being in "
        "both).",
        {
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            "sector": "One sector of the registry's list, or '' for the statements of every sector",
            **{name: f"Sum over the assessed statements of: {expr}" for name, expr in rollup_columns()},
        },
    ),
    "impact_sentences": (
        "Every evidence-of-impact sentence of an analysed statement, with a link to the page it is on.",
        {
            "sentence_id": SENTENCE_ID,
            "statement_id": STATEMENT_ID,
            "organisation": ORGANISATION,
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            "sectors": SECTORS,
            "text": "The sentence",
            "evidence_p": "Model probability (0-1) that it is evidence of impact",
            "page_no": "Page the sentence is on",
            "source_url": "The original document, opened at that page",
            "stored_copy": "The same document as this server stores it, opened at that page",
        },
    ),
    "boilerplate": (
        "Sentences that recur verbatim or near-verbatim (same words once organisation names, numbers, legal "
        "forms and punctuation are set aside) in the statements of at least two organisations.",
        {
            "boilerplate_id": "Id, in order of reach (1 = used by the most organisations)",
            "text": "One occurrence of the sentence, as written",
            "n_organisations": "Organisations whose statements use it",
            "n_statements": "Statements that use it",
            "n_sentences": "Occurrences",
            "first_year": "First registry year it appears in",
            "last_year": "Last registry year it appears in",
            "jurisdictions": "Jurisdictions it appears in",
            "evidence": "Evidence label of the example occurrence",
            "example_sentence_id": "The example occurrence",
            "text_key": "Hash of the normalised text that groups the occurrences",
        },
    ),
    "boilerplate_sentences": (
        "Each occurrence of a boilerplate sentence, and the statement it is in.",
        {
            "sentence_id": SENTENCE_ID,
            "statement_id": STATEMENT_ID,
            "boilerplate_id": "The boilerplate sentence",
        },
    ),
    "verdict_sentences": (
        "The sentences behind every verdict (approval, signature, each AU s.16(1) paragraph, each UK "
        "s.54(5) area): the ones the verdict rests on, or, when none was found, the closest candidates.",
        {
            "statement_id": STATEMENT_ID,
            "verdict": "approval, signature, au_c1 … au_c6 (AU s.16(1)(a)-(f)) or a UK area ("
            + ", ".join(UK_AREAS)
            + ")",
            "verdict_name": "The verdict in words, with its section",
            "outcome": "What was decided: found / missing; met / partly / not_met; for a UK area found or "
            "not found, and whether the registry declares it",
            "basis": "found: a sentence the verdict rests on; closest: nothing was found, this is one of "
            "the highest-scored candidates (check it was rightly left out)",
            "rank": "Order within the verdict, 1 = highest model score",
            "sentence_id": SENTENCE_ID,
            "page_no": "Page the sentence is on",
            "score": "Model probability (0-1) for the criterion the verdict reads",
            "evidence": EVIDENCE_COLUMN,
            "text": "The sentence",
            "source_url": "The original document, opened at that page",
            "stored_copy": "The same document as this server stores it, opened at that page",
        },
    ),
    "statement_sentences": (
        "View: every sentence of every analysed statement, once, from the document its summary read, with "
        "the statement's year and the sentence's labels.",
        {
            "statement_id": STATEMENT_ID,
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            "title": STATEMENTS["title"],
            "sentence_id": SENTENCE_ID,
            "document_id": DOCUMENT_ID,
            "sentence_idx": "Position in the document, from 0",
            "page_no": "Page the sentence is on",
            "block_kind": "heading, paragraph, list_item or table",
            "text": "The sentence",
            "evidence": EVIDENCE_COLUMN,
            "evidence_p": "Model probability (0-1) of that evidence label",
            **{c: f"1 if the sentence {CRITERION_TEXT[c]}" for c in CRITERIA},
            "document_url": "The original document (one URL, the registry's copy first, when it was "
            "fetched from several)",
        },
    ),
    "crawl_runs": (
        "Internal: one row per crawler run, with its counts.",
        {
            "run_id": "Run id",
            "spider": "uk_registry or au_register",
            "started_at": "Start (UTC)",
            "finished_at": "End (UTC)",
            "statements_seen": "Statements in the registry files",
            "statements_new": "New statements",
            "statements_changed": "Statements whose metadata changed",
            "documents_fetched": "Documents fetched",
            "documents_failed": "Fetches that failed",
            "failures_by_reason": "Failures per reason (JSON)",
            "report": "The whole run report (JSON)",
        },
    ),
    "stage_runs": (
        "Internal: one row per run of the extract, classify and build stages.",
        {
            "run_id": "Run id",
            "stage": "extract, classify or build",
            "version": "Stage version",
            "started_at": "Start (UTC)",
            "finished_at": "End (UTC)",
            "processed": "Items processed",
            "failed": "Items that failed",
            "report": "The whole run report (JSON)",
        },
    ),
    "schema_info": ("Internal: schema version.", {"key": "Setting", "value": "Value"}),
}
HIDDEN = ("crawl_runs", "stage_runs", "schema_info", "compliance_groups", "compliance_rollup")

# The data dictionary of the canned queries a regulator exports (a query column not named here
# takes the description of the same-named table column; publish/plugins/msa_datasette.py).
QUERY_COLUMNS: dict[str, dict[str, str]] = {
    "entity_overview": {
        "entity": "The entity (its lead organisation's name)",
        "organisation": ORGANISATION,
        "filed_as": "The entity's organisations the statement names",
        "link": "linked, or candidate (a statement a rule was not sure belongs to the entity)",
        "evidence": "How those organisations joined the entity (entity_links.evidence)",
        "score": "The least sure of those links, 0-1",
        "impact_share_change": "Impact share against the entity's previous statement in the same registry",
        "au_s16_verdicts": "AU s.16(1) paragraphs a-g: met, partly or not_met (AU statements read)",
        "uk_areas_declared": "UK areas the registry entry declares",
        "uk_areas_found": "UK areas the statement's text addresses (UK statements whose text was read)",
    },
    "compliance_summary": {k: v for k, v in compliance_summary_columns().items() if k != "sectors"},
    "compliance_by_sector": compliance_summary_columns(),
    "missing_content": {
        "jurisdiction": JURISDICTION,
        "registry_year": YEAR,
        "organisation": ORGANISATION,
        "missing": "Mandatory content not found: approval, signature, and for AU the s.16(1) paragraphs not "
        "met; 'statement text not available' when no document could be read",
        "partly_met": "AU s.16(1) paragraphs only partly met",
        "sentences": "The sentences behind each missing or partly met verdict: 'verdict basis: sentence id "
        "p.N', or the closest candidates when none was found (verdict_sentences)",
        "sentences_link": "Those sentences in the verdict_sentences table, with their pages",
        "document_url": "The original document that was analysed",
        "registry_url": "The statement's page on the registry",
        "statement_id": STATEMENT_ID,
    },
    "registry_mismatches": {
        "registry_year": YEAR,
        "organisation": ORGANISATION,
        "area": "The UK s.54(5) area: " + "; ".join(f"{a} = {t}" for a, t in AREA_TEXT.items()),
        "mismatch": "declared in the registry, not found in the text; or found in the text, not declared",
        "mismatches_in_statement": "How many areas disagree in this statement",
        "sentences": "The sentences the area was found in (or the closest candidates when it was not): "
        "'verdict basis: sentence id p.N' (verdict_sentences)",
        "sentences_link": "Those sentences in the verdict_sentences table, with their pages",
        "document_url": "The original document that was analysed",
        "registry_url": "The statement's page on the registry",
        "statement_id": STATEMENT_ID,
    },
}
