"""The shared vocabulary: facts two or more stages share, each written once (crawler, extract, classify,
db and publish import it; it imports nothing of the project, only the standard library).

- `media`: what a document's bytes are (PDF or HTML, the sniffing rule, the names documents.media_type
  stores, the Content-Types that mean them);
- `landing`: what a landing page is and which of its links is the statement;
- `roles`: statement_documents and statement_organisations roles, and which document is preferred;
- `labels`: the criteria, evidence labels, UK areas and AU criteria (db/schema.py builds columns from them);
- `doc_metadata`: documents.doc_metadata's stored form (one encoder, one decoder);
- `pdf_backends`: the PDF readers extraction offers (the CLI's `--backend` choice).
"""
