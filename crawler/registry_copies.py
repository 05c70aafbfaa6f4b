"""The last copy of each registry CSV, kept with the validators its server sent, so that an unchanged file
is not downloaded again (the UK files are 5-15 MB each and regenerated nightly).

`<data>/registry/<name>` holds the bytes and `<name>.json` beside it the URL, ETag, Last-Modified,
Content-MD5 and sha256. A copy whose bytes do not match its sha256 (a half-written file) is no copy.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from db.store import utc_now, write_atomically


@dataclass(frozen=True)
class RegistryCopy:
    """What is known about the stored copy of one registry file."""

    name: str
    url: str
    sha256: str
    size_bytes: int
    etag: str | None = None
    last_modified: str | None = None
    content_md5: str | None = None
    fetched_at: str | None = None


def content_md5(body: bytes) -> str:
    """The Content-MD5 header value for these bytes (base64 of the MD5 digest, as Azure sends it)."""
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii")


def copy_path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "registry" / name


def load_copy(data_dir: Path, name: str) -> RegistryCopy | None:
    """The stored copy's record, if both the bytes and the record are there."""
    path = copy_path(data_dir, name)
    try:
        record = RegistryCopy(**json.loads(path.with_name(path.name + ".json").read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return record if path.is_file() and path.stat().st_size == record.size_bytes else None


def read_copy(data_dir: Path, copy: RegistryCopy) -> bytes | None:
    """The stored bytes, or None if they are gone or no longer match their record."""
    try:
        body = copy_path(data_dir, copy.name).read_bytes()
    except OSError:
        return None
    return body if hashlib.sha256(body).hexdigest() == copy.sha256 else None


def save_copy(
    data_dir: Path,
    name: str,
    url: str,
    body: bytes,
    etag: str | None = None,
    last_modified: str | None = None,
    md5: str | None = None,
) -> RegistryCopy:
    """Replace the stored copy (bytes first, then the record, each written then renamed).

    `md5` is the Content-MD5 the server sent, if any: only a server that sends one can be asked for it
    again with a HEAD request, so none is made up here.
    """
    record = RegistryCopy(
        name=name,
        url=url,
        sha256=hashlib.sha256(body).hexdigest(),
        size_bytes=len(body),
        etag=etag,
        last_modified=last_modified,
        content_md5=md5,
        fetched_at=utc_now(),
    )
    path = copy_path(data_dir, name)
    write_atomically(path, body)
    write_atomically(path.with_name(path.name + ".json"), json.dumps(asdict(record), indent=1).encode())
    return record
