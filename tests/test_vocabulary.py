"""The shared vocabulary (vocabulary/): each fact two stages share, written once and read by both.

What a document's bytes are (the crawler at fetch, extraction when it reads them), what a landing
page is (the crawler follows it, extraction records it), the stored form of doc_metadata, the
PDF backends, and the role and label names.
"""

from __future__ import annotations

import ast
import sys
from datetime import date
from pathlib import Path

import pytest

import db.schema
from crawler.landing import statement_pdf_link
from crawler.media import classify_body
from extract import extract_document
from vocabulary import labels, roles
from vocabulary.doc_metadata import decode_doc_metadata, encode_doc_metadata
from vocabulary.landing import LANDING_MAX_WORDS, landing_link, statement_links_first
from vocabulary.media import (
    HTML,
    MEDIA_TYPES,
    PDF,
    PDF_HEADER_MAX_OFFSET,
    media_type_named,
    sniff_media_type,
    starts_as_pdf,
)
from vocabulary.pdf_backends import PDF_BACKENDS

VOCABULARY = Path(__file__).parent.parent / "vocabulary"
PAGE_URL = "https://www.example-co.example/about/modern-slavery/"
STATEMENT_PDF = "https://www.example-co.example/files/modern-slavery-statement-2024.pdf"


# What a document's bytes are ---------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n",
        b"\xef\xbb\xbf%PDF-1.4\n",  # a UTF-8 BOM
        b"\r\n\r\n  %PDF-1.5\n",  # blank lines and spaces
        b"\x00\x00junk%PDF-1.6\n",  # a few stray bytes
        b"x" * PDF_HEADER_MAX_OFFSET + b"%PDF-1.3\n",  # the most junk allowed
    ],
)
def test_a_pdf_header_after_a_little_junk_is_a_pdf_whatever_the_stated_type(head):
    assert starts_as_pdf(head + b"rest of the file")
    assert sniff_media_type(head + b"rest of the file") == PDF
    assert sniff_media_type(head + b"rest of the file", "text/html") == PDF


@pytest.mark.parametrize(
    "body",
    [
        b"x" * (PDF_HEADER_MAX_OFFSET + 1) + b"%PDF-1.3\n",  # one byte too many before it
        b"<p>%PDF-1.4</p>",  # after a tag, however close
        b"<!doctype html><html><body><a href='s.pdf'>Download (%PDF-1.7, 2 MB)</a></body></html>",
    ],
)
def test_a_pdf_marker_further_in_or_after_a_tag_is_not_a_pdf(body):
    assert not starts_as_pdf(body)
    assert sniff_media_type(body) != PDF


def test_html_and_what_is_neither():
    assert sniff_media_type(b"\xef\xbb\xbf  <!DOCTYPE html><html>") == HTML
    assert sniff_media_type(b"<html><body>x</body></html>") == HTML
    assert sniff_media_type(b"<!-- cms --><div>statement</div>") == HTML
    assert sniff_media_type(b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>") == HTML
    for body in (b"\x89PNG\r\n", b'{"error": "not found"}', b"", b"plain words, no markup"):
        assert sniff_media_type(body) is None


@pytest.mark.parametrize("stated", ["pdf", "application/pdf", "application/x-pdf; charset=binary"])
def test_html_posing_as_a_pdf_is_html(stated):
    page = b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"
    assert sniff_media_type(page, stated) == HTML
    # at fetch, an HTML page where a PDF was promised is refused rather than stored
    media_type, error = classify_body(page, roles.REGISTRY_PDF, "https://registry.example/s/1")
    assert media_type is None and error.startswith("html_not_pdf:")


def test_the_stated_type_names_the_media_type_in_the_stored_vocabulary():
    assert media_type_named("pdf") == media_type_named("Application/PDF") == PDF
    assert media_type_named("html") == media_type_named("text/html; charset=utf-8") == HTML
    assert media_type_named("application/xhtml+xml") == HTML
    for stated in (None, "", "other", "application/octet-stream", "text/plain"):
        assert media_type_named(stated) is None
    assert set(MEDIA_TYPES) == {PDF, HTML}


def test_the_stated_type_decides_when_the_bytes_do_not():
    """Extraction's fallback on the stated type is live: the stored names (`html`) are understood."""
    fragment = (  # markup, but none of the tags the sniffer looks for
        "<section><h2>Modern slavery statement</h2><blockquote>"
        + "We audited every supplier of the group for forced labour risks this year. " * 6
        + "</blockquote></section>"
    ).encode()
    assert sniff_media_type(fragment) is None
    assert sniff_media_type(fragment, "html") == HTML
    unstated = extract_document(fragment)
    assert unstated.status == "error" and unstated.error.startswith("unsupported document type")
    stated = extract_document(fragment, "html")
    assert stated.media_type == HTML and stated.status == "ok"
    assert [s.text for s in stated.sentences[:2]] == [
        "Modern slavery statement",
        "We audited every supplier of the group for forced labour risks this year.",
    ]


def test_extraction_reads_an_html_page_stated_as_pdf_as_html():
    page = (
        "<!doctype html><html><head><title>Statement</title>"
        "<script>var kind = '%PDF-1.7';</script></head><body><main>"
        + "<p>We audited every supplier of the group for forced labour risks this year.</p>" * 8
        + "</main></body></html>"
    ).encode()
    assert b"%PDF-" in page[:1024]
    doc = extract_document(page, "pdf")
    assert doc.media_type == HTML and doc.status == "ok"
    assert doc.sentences[0].text.startswith("We audited every supplier")


# Landing pages ------------------------------------------------------------------------------


def landing_page(words: int) -> bytes:
    """A page whose main content is `words` words, one of them the statement link's text."""
    text = " ".join(["word"] * (words - 1))
    return (
        "<!DOCTYPE html><html><head><title>Modern slavery</title></head><body><main>"
        f'<p>{text} <a href="/files/modern-slavery-statement-2024.pdf">Statement</a></p>'
        "</main></body></html>"
    ).encode()


def test_the_rule_at_the_word_boundary():
    links = [(STATEMENT_PDF, "Statement")]
    assert landing_link(LANDING_MAX_WORDS, links) == STATEMENT_PDF
    assert landing_link(LANDING_MAX_WORDS + 1, links) is None
    assert landing_link(0, []) is None


@pytest.mark.parametrize("words", [LANDING_MAX_WORDS, LANDING_MAX_WORDS + 1])
def test_crawler_and_extraction_agree_at_exactly_the_word_limit(words):
    body = landing_page(words)
    followed = statement_pdf_link(body, PAGE_URL)
    doc = extract_document(body, "html", url=PAGE_URL)
    assert len(doc.pages[0].text.split()) == words  # both count the same words here
    if words <= LANDING_MAX_WORDS:
        assert followed == STATEMENT_PDF and doc.status == "landing_page"
    else:
        assert followed is None and doc.status == "ok"


def test_the_statement_link_is_named_by_its_path_or_text_not_its_host():
    host_only = ("https://modern-slavery.example/d/8f2a1.pdf", "Price list")
    named = ("https://cdn.example/d/statement-2024.pdf", "Download")
    assert landing_link(10, [host_only, named]) == named[0]
    assert landing_link(10, [host_only, ("https://cdn.example/d/2.pdf", "Brochure")]) is None
    assert landing_link(10, [host_only]) == host_only[0]  # the only link is taken whatever its name
    assert (
        landing_link(10, [("https://x.example/forced_labour.pdf", "")])
        == "https://x.example/forced_labour.pdf"
    )
    assert statement_links_first([host_only, named]) == [named[0], host_only[0]]


# doc_metadata as stored ---------------------------------------------------------------------


def test_doc_metadata_round_trips_through_the_column():
    metadata = {"signatory": {"name": "A. Person", "role": "Director"}, "approval_date": date(2024, 6, 12)}
    stored = encode_doc_metadata(metadata)
    assert stored == '{"approval_date": "2024-06-12", "signatory": {"name": "A. Person", "role": "Director"}}'
    assert decode_doc_metadata(stored) == {**metadata, "approval_date": "2024-06-12"}
    assert decode_doc_metadata(decode_doc_metadata(stored)) == decode_doc_metadata(stored)
    assert encode_doc_metadata({}) is None and encode_doc_metadata(None) is None


@pytest.mark.parametrize("stored", [None, "", "not json", "[1, 2]", '"text"', 42])
def test_doc_metadata_that_is_not_an_object_reads_as_empty(stored):
    assert decode_doc_metadata(stored) == {}


# Names every stage uses ---------------------------------------------------------------------


def test_the_schema_builds_its_columns_from_the_vocabulary():
    assert db.schema.CRITERIA is labels.CRITERIA and db.schema.EVIDENCE_LABELS is labels.EVIDENCE_LABELS
    assert db.schema.DOCUMENT_ROLE_PREFERENCE is roles.DOCUMENT_ROLE_PREFERENCE
    assert sorted(roles.DOCUMENT_ROLE_PREFERENCE) == sorted(roles.DOCUMENT_ROLES)
    assert all(derived in roles.DOCUMENT_ROLES for found in roles.DERIVED_ROLES.values() for derived in found)
    for criterion in labels.CRITERIA:
        assert f"{criterion} INTEGER NOT NULL DEFAULT 0" in db.schema.DDL
    for area in labels.UK_AREAS:
        assert f"uk_detected_{area} INTEGER" in db.schema.DDL


def test_the_cli_offers_the_backends_extraction_reads():
    from msa.cli import extract, extract_doc

    for command in (extract, extract_doc):
        (backend,) = [p for p in command.params if p.name == "backend"]
        assert tuple(backend.type.choices) == PDF_BACKENDS
    with pytest.raises(ValueError, match="unknown backend"):
        extract_document(b"%PDF-1.7\n", backend="ghostscript")


def test_the_vocabulary_imports_only_the_standard_library():
    for path in VOCABULARY.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names | {"__future__"}, (path.name, name)
