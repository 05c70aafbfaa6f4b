"""What every published table and column means, in words for readers who do not know the schema.

The metadata builder turns these into Datasette's table and column descriptions; a test checks
that every column of every table and view in a built database has one.
"""

from __future__ import annotations

from publish.compliance import AU_COLUMNS, TIMELINESS_COLUMNS, rollup_columns, summary_measures
from publish.timeliness import DEADLINE_RULE, LONGEST_PERIOD_MONTHS
from vocabulary.labels import AU_CRITERIA, CRITERIA, EVIDENCE_LABELS, UK_AREAS

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
CORRECTION_NOTE = (
    "A reader's correction of this sentence's labels, beside the model's: 'evidence: impact (corrected "
    "from action: reason — who)'; empty where none applies. The label columns hold the corrected value"
)
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


DATE_SOURCE = (
    "Where the date was read: a registry column (e.g. 'registry DateApproved', 'register PeriodEnd') or the "
    "statement text (reporting period, approval sentence, signature date) when the registry lacks it"
)
TIMELINESS = {
    "period_start": "Start of the reporting period (ISO date)",
    "period_start_source": DATE_SOURCE,
    "period_end": "End of the reporting period (ISO date) the deadline counts from",
    "period_end_source": DATE_SOURCE,
    "approved_on": "When the statement was approved (ISO date)",
    "approved_source": DATE_SOURCE,
    "published_on": "When the statement was published (UK) or lodged (AU), as far as the registry dates it "
    "(ISO date)",
    "published_source": DATE_SOURCE + "; UK StatementPublishedDate, else the earliest of PDFDate and "
    "LastUpdated; AU SubmittedAt, else PublishedAt (older exports only: the current AU export has no date)",
    "published_exact": "1 if published_on is the publication (or lodgement) date itself; 0 if it is a date "
    "the statement was out by (UK LastUpdated, the entry's last change; PDFDate, the registry copy's "
    "upload; AU PublishedAt), which can show it was on time but not that it was late",
    "deadline": "The last day the statement is on time: 6 months after the period end (30 June to "
    "31 December, 31 August to the end of February). AU: "
    + DEADLINE_RULE["au"]
    + ". UK: "
    + DEADLINE_RULE["uk"],
    "days_to_approval": "Days from the period end to approval (negative: approved before the period ended)",
    "days_to_publication": "Days from the period end to publication (or lodgement)",
    "late": "1 if approved after the deadline, or published after it by an exact date; 0 if published (or "
    "out, by a registry date) by the deadline; NULL if the dates cannot tell",
    "late_by": "Which date decided late (or on time): approval or publication",
    "days_past_deadline": "Late statements: days from the deadline to the date that made them late",
    "approved_before_period_end": "1 if approved on or before the last day of the period it reports on",
    "dates_missing": "1 if the period end, the approval or the publication date is not known",
    "missing_dates": "Those not known: period end; approval; publication",
    "dates_inconsistent": "1 if the dates cannot all be true: see inconsistencies",
    "inconsistencies": "In words: period ending before it starts or longer than "
    f"{LONGEST_PERIOD_MONTHS} months, published before approved or before the period ended, a registry "
    "date the statement text contradicts, a date in the future (after the build)",
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
    out["late_share"] = (
        "0-1 share of the statements in the row whose dates tell (late not NULL) that were late"
    )
    out["approved_before_period_end_share"] = (
        "0-1 share of the statements in the row with an approval date and a period end that were approved "
        "on or before the period's last day"
    )
    out["dates_missing_share"] = (
        "0-1 share of the statements in the row missing a period end, an approval or a publication date"
    )
    out["dates_inconsistent_share"] = "0-1 share of the statements in the row whose dates cannot all be true"
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
        "evidence status. These are classifications by msa's models, not legal findings; where a "
        "reader corrected a label, the corrected value (applied_corrections keeps the model's).",
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
            **{name: TIMELINESS[name] for name in TIMELINESS_COLUMNS},
        },
    ),
    "statement_timeliness": (
        "Per statement: the reporting period's end, when the statement was approved and published, each date "
        "with its source, the 6-month deadline, and flags (late, approved before the period ended, dates "
        "missing or inconsistent).",
        {
            "statement_id": STATEMENT_ID,
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            **TIMELINESS,
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
            "correction": CORRECTION_NOTE,
            "document_url": "The original document (one URL, the registry's copy first, when it was "
            "fetched from several)",
        },
    ),
    "corrections": (
        "Readers' corrections of sentence labels (`msa correct --file corrections.csv`), every one kept: a "
        "later row for the same sentence and field supersedes an earlier one. Where one applies, the "
        "labels, summaries and published tables use the corrected value; correction_status says which "
        "apply.",
        {
            "correction_id": "Order of arrival: the latest row for a sentence and field holds",
            "sentence_id": SENTENCE_ID,
            "field": "The label corrected: evidence, or one of the 11 criteria",
            "value": "The corrected value: an evidence label, or 1/0 for a criterion",
            "reason": "Why the model's label was wrong, in the corrector's words",
            "who": "Who made the correction",
            "created_at": "When it was stored (UTC)",
            "document_id": DOCUMENT_ID + " the sentence was in when corrected",
            "sentence_idx": "Its position in that document when corrected",
            "sentence_text": "The sentence as it read when corrected: the correction follows this text "
            "when re-extraction moves it, and goes stale (kept, not applied) when the text is gone",
            "source": "The corrections file and line it came from",
        },
    ),
    "applied_corrections": (
        "Which correction each corrected label carries now, with the model's own value it overrides "
        "(labels hold the corrected value). Rewritten whenever the sentences are relabelled.",
        {
            "sentence_id": SENTENCE_ID,
            "field": "The label corrected",
            "correction_id": "The correction applied (corrections table)",
            "model_value": "The model's own label for this field",
            "model_p": "The model's probability for it",
            "applied_at": "When the correction was last applied (UTC)",
        },
    ),
    "correction_status": (
        "View: every correction with what became of it, beside the model's value.",
        {
            "correction_id": "The correction",
            "sentence_id": SENTENCE_ID,
            "field": "The label corrected",
            "value": "The corrected value",
            "status": "applied; superseded (a later correction of the same sentence and field holds); "
            "pending (its sentence is not labelled yet: run msa classify); stale (its text is gone "
            "from the document: kept, not applied)",
            "model_value": "The model's own label, which the correction overrides",
            "applied_to": "The sentences that carry it now (more than one when a re-crawl brought the "
            "same text in another document of the statement)",
            "reason": "Why the model's label was wrong",
            "who": "Who made the correction",
            "created_at": "When it was stored (UTC)",
            "source": "The corrections file and line it came from",
            "document_id": DOCUMENT_ID + " the sentence was in when corrected",
            "sentence_idx": "Its position in that document when corrected",
            "sentence_text": "The sentence as it read when corrected",
        },
    ),
    "crawl_runs": (
        "Internal: one row per spider of a crawl run, with its counts; the run itself (start, end) is "
        "its stage_runs row.",
        {
            "run_id": "Run id (stage_runs)",
            "spider": "uk_registry or au_register",
            "finish_reason": "How the spider stopped (finished, shutdown, ...); empty while it runs or "
            "when it was killed",
            "statements_seen": "Statements in the registry files",
            "statements_new": "New statements",
            "statements_changed": "Statements whose metadata changed",
            "statements_unchanged": "Statements whose metadata did not change",
            "documents_fetched": "Documents fetched",
            "documents_stored": "Documents new to the store",
            "documents_not_modified": "Documents the server said were not modified",
            "documents_failed": "Fetches that failed",
            "documents_already_tried": "Documents skipped as fetched before an interruption",
            "landing_pages_followed": "Landing pages followed to their statement PDF",
            "rows_skipped": "Registry rows that could not be read",
            "requests": "HTTP requests made",
            "failures_by_reason": "Failures per reason (JSON)",
            "report": "The rest of the spider's report (JSON)",
        },
    ),
    "stage_runs": (
        "Internal: one row per run of a stage (crawl, extract, classify, build), with its counts. A crawl "
        "run's per-spider counts are in crawl_runs, under the same run id.",
        {
            "run_id": "Run id",
            "stage": "crawl, extract, classify or build",
            "version": "Stage version",
            "started_at": "Start (UTC)",
            "finished_at": "End (UTC); empty for a run that was stopped before it could finish",
            "processed": "Items processed (crawl: statements seen; extract, classify: documents)",
            "failed": "Items that failed (crawl: documents that could not be fetched)",
            "skipped": "Items skipped as already done (crawl: documents tried before an interruption)",
            "failures": "Failures per reason (JSON)",
            "report": "The rest of the run report (JSON)",
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
    "late_statements": {
        "organisation": ORGANISATION,
        "jurisdiction": JURISDICTION,
        "registry_year": YEAR,
        "flags": "What the dates show: late, approved_before_period_end, dates_inconsistent, dates_missing, "
        "late_unknown (the dates cannot tell whether it was late), separated by '; '",
        **TIMELINESS,
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

# What changed since the previous statement (publish/changes.py) and the feeds read from it.
THEN_NOW = "the previous statement's, then this one's"
CHANGE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "statement_changes": (
        "Each statement against the same entity's previous statement in the same registry: sentences new, "
        "dropped and repeated word for word, criteria and verdicts then and now, impact then and now, a "
        "change size and a one-line reading. A first statement has a row saying so.",
        {
            "statement_id": STATEMENT_ID,
            "organisation": ORGANISATION,
            "entity_id": "The entity the statement is by: an entities row where entities are built, else the "
            "statement's main organisation",
            "entity": "The entity's name",
            "entity_basis": "entity (linked by publish/entities.py) or organisation (its main organisation)",
            "jurisdiction": JURISDICTION,
            "registry_year": YEAR,
            "sectors": SECTORS,
            "previous_statement_id": "The same entity's previous statement in the same registry (the latest "
            "earlier registry year); NULL for a first statement",
            "previous_year": "Its registry year",
            "comparison": "first (no previous statement), compared, or text_missing (one of the two texts "
            "could not be read: only registry declarations and verdicts are compared)",
            "reading": "What changed, in one line",
            "change_size": "Share of the two texts not in common (0-1), plus 0.1 per verdict that changed, "
            "plus the impact share's change: used to sort, largest first",
            "sentences_then": "Sentences of the previous statement",
            "sentences_now": "Sentences of this statement",
            "sentences_new": "Sentences of this statement not in the previous one word for word (case, "
            "spacing, quote styles and end punctuation aside)",
            "sentences_dropped": "Sentences of the previous statement not in this one",
            "sentences_repeated": "Sentences of this statement found word for word in the previous one",
            "share_repeated": "Share (0-1) of the previous statement's text that this one repeats word for "
            "word, in characters",
            "share_new": "Share (0-1) of this statement's text that is new, in characters",
            "impact_share_then": "Impact share of the previous statement",
            "impact_share_now": "Impact share of this statement",
            "impact_share_change": "Now minus then",
            "n_impact_then": "Impact sentences of the previous statement",
            "n_impact_now": "Impact sentences of this statement",
            "new_impact_sentences": "New sentences labelled evidence of impact",
            "criteria_addressed_then": "Criteria (of 11) the previous text addresses",
            "criteria_addressed_now": "Criteria (of 11) this text addresses",
            "criteria_gained": "Criteria addressed now and not then (JSON list)",
            "criteria_lost": "Criteria addressed then and not now (JSON list)",
            "au_verdicts_changed": "AU s.16(1) verdicts that changed, e.g. 's.16(1)(d) partly → met' "
            "(JSON list)",
            "uk_areas_changed": "UK s.54(5) areas the text covers now and not then, or the reverse "
            "(JSON list)",
            "declarations_changed": "UK registry declarations that changed (JSON list)",
            "verdicts_changed": "How many verdicts changed (criteria, AU verdicts, UK areas, declarations)",
            "impact_changed": "1 if the impact share moved by 0.05 or more",
            "repeats_most": "1 if this statement repeats at least 90% of the previous one's text word "
            "for word",
            "alert": "1 if the statement is in the changed_statements feed: impact share, AU verdicts, UK "
            "areas or declarations changed, or it repeats the previous text almost whole",
        },
    ),
    "statement_change_sentences": (
        "The sentences new in each statement against the previous one, and those dropped from it.",
        {
            "statement_id": STATEMENT_ID,
            "previous_statement_id": "The previous statement it is compared with",
            "change": "new (in this statement, not the previous one) or dropped (the reverse)",
            "sentence_id": SENTENCE_ID + " (of this statement when new, of the previous one when dropped)",
            "sentence_idx": "Position in its document, from 0",
            "page_no": "Page the sentence is on",
            "evidence": EVIDENCE_COLUMN,
            "evidence_p": "Model probability (0-1) of that evidence label",
        },
    ),
    "statement_change_verdicts": (
        "Every statement-level verdict, " + THEN_NOW + ": each criterion addressed (1) or not (0), each AU "
        "s.16(1) verdict, each UK area found in the text, each UK registry declaration.",
        {
            "statement_id": STATEMENT_ID,
            "previous_statement_id": "The previous statement it is compared with",
            "kind": "criterion, au_verdict, uk_area (found in the text) or declared (UK registry)",
            "name": "The criterion, AU paragraph or UK area",
            "then_value": "Its value in the previous statement (NULL: not read)",
            "now_value": "Its value in this statement (NULL: not read)",
            "changed": "1 if it changed, 0 if not, NULL if either side was not read",
        },
    ),
}
TABLES.update(CHANGE_TABLES)
