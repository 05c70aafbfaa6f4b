"""documents.doc_metadata as stored: what extraction read from a document's text, as one JSON object.

The extract stage encodes it, the classify stage's summary decodes it (signatory, approval,
period); both go through this pair, so the column has one format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def encode_doc_metadata(metadata: Mapping[str, Any] | None) -> str | None:
    """The column's text for `metadata` (keys sorted, values JSON cannot hold as text); None when empty."""
    return json.dumps(dict(metadata), sort_keys=True, default=str) if metadata else None


def decode_doc_metadata(stored: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """The metadata a column value holds: {} for NULL, text that is not a JSON object, or anything else.

    An already decoded mapping is taken as it is, so callers may pass either form.
    """
    if isinstance(stored, Mapping):
        return dict(stored)
    if not isinstance(stored, str) or not stored:
        return {}
    try:
        metadata = json.loads(stored)
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}
