"""Roles: where a statement's document came from, and what an organisation is to its statement.

The crawler writes these names (statement_documents.role, statement_organisations.role); the
classify stage, the publish tables and the Datasette pages read them.
"""

from __future__ import annotations

# statement_documents.role: the link a document was fetched by.
STATEMENT = "statement"  # the registry's StatementURL (the company's own site)
REGISTRY_PDF = "registry_pdf"  # the registry's own copy (UK PDFURL, the AU statement PDF)
REGISTRY_PAGE = "registry_page"  # the AU statement page that names its PDF
LINKED_PDF = "linked_pdf"  # the PDF a landing page at the StatementURL links to
DOCUMENT_ROLES: tuple[str, ...] = (STATEMENT, REGISTRY_PDF, REGISTRY_PAGE, LINKED_PDF)
# Most trusted first: the registry's own copy, then the company's StatementURL. Picks the document a
# summary reads and the one URL shown for it.
DOCUMENT_ROLE_PREFERENCE: tuple[str, ...] = (REGISTRY_PDF, STATEMENT, LINKED_PDF, REGISTRY_PAGE)
# Links found by following another link: they go when the link that led to them changes.
DERIVED_ROLES: dict[str, tuple[str, ...]] = {STATEMENT: (LINKED_PDF,), REGISTRY_PAGE: (REGISTRY_PDF,)}

# statement_organisations.role: UK group statements have members and a parent, AU statements
# reporting and included entities.
MEMBER = "member"
PARENT = "parent"
REPORTING = "reporting"
INCLUDED = "included"
ORGANISATION_ROLES: tuple[str, ...] = (MEMBER, PARENT, REPORTING, INCLUDED)
