"""`msa extract-doc`: files given on the command line → sentence records, through one engine worker.

The same crash boundary as the extract stage: each file is extracted in a worker process that the
engine ends at the time limit or records when it dies, and that dies with this process.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extract.cli_output import sentence_records
from extract.structures import ExtractedDocument, failed
from msa.engines import EngineOptions, map_documents
from msa.extract_stage import ExtractOptions, extract_path, lost_reason, warm_extractor

# One worker, one file in flight: results come back in the order of the files.
ONE_WORKER = EngineOptions(engine="local", workers=1, batch_size=1)
DEFAULT_OPTIONS = ExtractOptions()


@dataclass(frozen=True)
class FileExtractJob:
    """Extraction of one named file, as a worker runs it."""

    options: ExtractOptions

    @property
    def timeout_s(self) -> float:
        return self.options.document_timeout_s()

    def setup(self) -> None:
        warm_extractor()

    def run(self, name: str) -> tuple[str, ExtractedDocument]:
        return name, extract_path(Path(name), mimetypes.guess_type(name)[0], self.options)

    def failed(self, name: str, reason: str) -> tuple[str, ExtractedDocument]:
        return name, failed(lost_reason(reason, self.options))


def extract_files(
    paths: Iterable[str | os.PathLike[str]], options: ExtractOptions = DEFAULT_OPTIONS
) -> Iterator[tuple[str, ExtractedDocument]]:
    """(file name, extracted document) for each file, in the order given."""
    names = [os.fspath(path) for path in paths]
    for batch in map_documents(FileExtractJob(options), names, ONE_WORKER):
        yield from batch


def iter_sentence_records(
    paths: Iterable[str | os.PathLike[str]], options: ExtractOptions = DEFAULT_OPTIONS
) -> Iterator[dict]:
    """{file, page, kind, text} for every sentence of every file; {file, status, error} for a failed file."""
    for name, doc in extract_files(paths, options):
        yield from sentence_records(name, doc)
