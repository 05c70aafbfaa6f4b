"""A local replica of the UK and AU registries and the company websites, served from a corpus directory.

One ThreadingHTTPServer per host on 127.0.0.1 (ephemeral ports, background threads). Absolute URLs of
known hosts in served CSV and HTML bodies are rewritten to the replica, so the real spiders crawl it
unchanged, given `Replica.settings`. Unknown `.example` hosts point at a closed port (a site that is
gone). Used by tests and `msa demo`; layout of the corpus in docs/ARCHITECTURE.md.

    with Replica("sample_corpus") as replica:
        crawl(["uk_registry", "au_register"], tmp, replica.settings)

Files are served with the validators real servers send (ETag, Last-Modified, and Content-MD5 as Azure
Blob Storage does for the UK downloads host), and a conditional GET (If-None-Match, If-Modified-Since)
of an unchanged file is answered 304 Not Modified.

Faults (500s, slow replies, redirects and redirect loops, wrong content types, truncated bodies, a
connection dropped mid-body, a fault only for the first n requests) hang on one URL each through
`Replica.add_fault(url, Fault(...))`; routing does not know about them.
Standalone: `python -m synthetic.replica --corpus sample_corpus` prints the settings as `export` lines.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import email.utils
import hashlib
import html
import json
import mimetypes
import re
import socket
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from crawler.csv_rows import decode_csv_bytes, read_csv_rows
from synthetic.corpus_layout import (
    AU_CSV,
    AU_INDEX,
    AU_REGISTER_HOST,
    UK_CSV,
    UK_DOWNLOADS_HOST,
    UK_REGISTRY_HOST,
)
from synthetic.documents import html_page

REGISTRY_SETTINGS = {
    "MSA_UK_DOWNLOADS_URL": UK_DOWNLOADS_HOST,
    "MSA_UK_REGISTRY_URL": UK_REGISTRY_HOST,
    "MSA_AU_REGISTRY_URL": AU_REGISTER_HOST,
}
ALLOW_ALL_ROBOTS = b"User-agent: *\nAllow: /\n"
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
_ABSOLUTE_URL = re.compile(rb"https?://([A-Za-z0-9.-]+)(:\d+)?")
_SUMMARY = re.compile(r"^/statement-summary/([^/]+)/(\d{4})(/group)?/?$")
_AU_PAGE = re.compile(r"^/statements/(\d+)/$")
_AU_PDF = re.compile(r"^/statements/([A-Za-z0-9]+)/pdf/?$")


@dataclass
class Reply:
    """What one request gets back, before it is written to the socket.

    `validators`: a file reply, which gets ETag and Content-MD5 computed from the body as sent.
    `send_bytes`: write only this many body bytes, then drop the connection (Content-Length stays full).
    """

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = False
    send_bytes: int | None = None


@dataclass(frozen=True)
class Fault:
    """How to spoil the reply for one URL: any field left as None keeps the normal reply's value.

    `truncate_to` cuts the body cleanly (Content-Length says the short length); `drop_after` sends the
    full Content-Length but closes the connection after that many bytes. `redirect_to` answers 302 to
    a real URL (rewritten to the replica; the URL itself makes a redirect loop). `times` spoils only
    the first n requests for the URL, then it is served normally (a server that recovers).
    `without_headers` leaves validators out (a server with Last-Modified but no ETag or Content-MD5).
    """

    status: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    truncate_to: int | None = None
    drop_after: int | None = None
    delay_s: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    redirect_to: str | None = None
    times: int | None = None
    without_headers: tuple[str, ...] = ()

    def apply(self, reply: Reply) -> Reply:
        body = self.body if self.body is not None else reply.body
        if self.truncate_to is not None:
            body = body[: self.truncate_to]
        headers = {**reply.headers, **dict(self.headers)}
        status = self.status or reply.status
        if self.redirect_to is not None:
            status, headers["Location"] = self.status or 302, self.redirect_to
        return replace(
            reply,
            status=status,
            body=body,
            content_type=self.content_type or reply.content_type,
            headers=headers,
            send_bytes=self.drop_after,
        )


@dataclass
class RequestRecord:
    """One request the replica received (tests check headers such as User-Agent and Referer).

    Recorded on arrival, so a reply still being delayed is already listed, with status 0 until sent.
    """

    host: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when the request arrived
    body_bytes: int = 0  # body bytes sent


class Replica:
    """Serve a corpus directory as the registries and company sites; a context manager."""

    def __init__(
        self,
        corpus_dir: str | Path,
        faults: Mapping[str, Fault] | None = None,
        quiet: bool = True,
        port_base: int | None = None,
    ):
        """`port_base` pins the ports (host i of `hosts()` on port_base + i) instead of ephemeral ones:
        the URLs stored by a crawl then stay the same from one replica run to the next (e.g. a demo
        crawled twice finds its statements unchanged)."""
        self.corpus = Path(corpus_dir).resolve()
        if not (self.corpus / "registry").is_dir():
            raise FileNotFoundError(f"{self.corpus} has no registry/ directory: not a corpus")
        self.quiet = quiet
        self.port_base = port_base
        self.requests: list[RequestRecord] = []
        self.faults: dict[tuple[str, str], Fault] = {}
        self._fault_hits: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._dead_base = ""
        self._au_statements = self._load_au_statements()
        for url, fault in (faults or {}).items():
            self.add_fault(url, fault)

    # lifecycle

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> Replica:
        for i, host in enumerate(self.hosts()):
            port = self.port_base + i if self.port_base else 0
            server = _ReplicaServer(("127.0.0.1", port), _Handler, self, host)
            threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"replica-{host}",
                daemon=True,
            ).start()
            self._servers[host] = server
        dead_port = self.port_base + len(self._servers) if self.port_base else _closed_port()
        self._dead_base = f"http://127.0.0.1:{dead_port}"
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    # what the crawler needs

    def hosts(self) -> list[str]:
        """The registry hosts and one host per `sites/{host}/` directory."""
        sites = self.corpus / "sites"
        site_hosts = sorted(p.name.lower() for p in sites.iterdir() if p.is_dir()) if sites.is_dir() else []
        return [UK_DOWNLOADS_HOST, UK_REGISTRY_HOST, AU_REGISTER_HOST, *site_hosts]

    @property
    def settings(self) -> dict[str, str]:
        """The three MSA_*_URL settings pointing the spiders at this replica."""
        return {name: self.base_url(host) for name, host in REGISTRY_SETTINGS.items()}

    def base_url(self, host: str) -> str:
        server = self._servers.get(host.lower())
        if server is None:
            raise KeyError(f"{host} is not served (replica not started, or no such host)")
        return f"http://127.0.0.1:{server.server_address[1]}"

    def url_for(self, original_url: str) -> str:
        """The replica URL that stands for a real one (unchanged if its host is not replicated)."""
        return self.rewrite(original_url.encode()).decode()

    def rewrite(self, body: bytes) -> bytes:
        """Replace absolute URLs of known hosts (and of unknown `.example` hosts) with replica URLs."""
        if not self._servers:
            return body
        return _ABSOLUTE_URL.sub(self._rewrite_match, body)

    def _rewrite_match(self, match: re.Match[bytes]) -> bytes:
        raw_host = match.group(1).decode("ascii")
        host = raw_host.rstrip(".").lower()
        trailing = raw_host[len(raw_host.rstrip(".")) :].encode()
        if host in self._servers:
            return self.base_url(host).encode() + trailing
        if host.endswith(".example"):
            return self._dead_base.encode() + trailing
        return match.group(0)

    def add_fault(self, url: str, fault: Fault) -> None:
        """Spoil the replies for one real URL (scheme, query and fragment ignored)."""
        parts = urlsplit(url)
        key = (parts.hostname or "", unquote(parts.path) or "/")
        with self._lock:
            self.faults[key] = fault
            self._fault_hits.pop(key, None)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()
            self._fault_hits.clear()

    # answering requests

    def reply(
        self, host: str, method: str, raw_path: str, request_headers: Mapping[str, str] | None = None
    ) -> Reply:
        """The reply for one request to `host`: route it, rewrite the body, apply any fault, then
        answer 304 if the request's validators match the file as it would be sent."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path) or "/"
        query = parse_qs(parts.query)
        try:
            reply = self._route(host, path, query)
        except Exception as exc:  # a broken corpus file must not kill the server thread
            reply = Reply(500, f"replica error: {exc}\n".encode())
        if reply.content_type.startswith(("text/csv", "text/html")):
            reply.body = self.rewrite(reply.body)
        fault = self._fault_for(host, path)
        if fault is not None:
            if fault.delay_s:
                time.sleep(fault.delay_s)
            if fault.redirect_to is not None:
                fault = replace(fault, redirect_to=self.url_for(fault.redirect_to))
            reply = fault.apply(reply)
        if reply.validators and reply.status == 200:
            reply.headers.setdefault("ETag", f'"{hashlib.sha1(reply.body).hexdigest()[:16]}"')
            digest = hashlib.md5(reply.body).digest()
            reply.headers.setdefault("Content-MD5", base64.b64encode(digest).decode())
            for name in fault.without_headers if fault is not None else ():
                reply.headers.pop(name, None)
            if _not_modified(reply.headers, request_headers or {}):
                kept = {k: v for k, v in reply.headers.items() if k in ("ETag", "Last-Modified")}
                return Reply(304, b"", reply.content_type, kept)
        return reply

    def _fault_for(self, host: str, path: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get((host, path))
            if fault is None:
                return None
            hits = self._fault_hits.get((host, path), 0) + 1
            self._fault_hits[(host, path)] = hits
        return None if fault.times is not None and hits > fault.times else fault

    def _route(self, host: str, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/robots.txt":
            robots = self.corpus / "sites" / host / "robots.txt"
            return Reply(200, robots.read_bytes() if robots.is_file() else ALLOW_ALL_ROBOTS)
        if host == UK_DOWNLOADS_HOST:
            return self._uk_downloads(path)
        if host == UK_REGISTRY_HOST:
            return self._uk_registry(path)
        if host == AU_REGISTER_HOST:
            return self._au_register(path, query)
        return self._site(host, path)

    def _uk_downloads(self, path: str) -> Reply:
        if match := re.fullmatch(r"/publicdownloads/(StatementSummaries\d{4}\.csv)", path):
            return self._file(self.corpus / "registry" / "uk" / match.group(1))
        if path.startswith("/pdf-published/"):
            return self._file(
                _inside(self.corpus / "registry" / "uk" / "pdf-published", path[len("/pdf-published/") :])
            )
        return _not_found()

    def _uk_registry(self, path: str) -> Reply:
        match = _SUMMARY.match(path)
        if not match:
            return _not_found()
        org_id, year, group = match.groups()
        csv_path = self.corpus / UK_CSV.format(year=year)
        if not csv_path.is_file():
            return _not_found()
        wanted = f"/statement-summary/{org_id}/{year}"
        rows = [
            row.values
            for row in read_csv_rows(decode_csv_bytes(csv_path.read_bytes())).rows
            if urlsplit(row.values.get("StatementSummaryURL", "")).path.rstrip("/") == wanted
        ]
        if not rows:
            return _not_found()
        return _html_reply(_uk_summary_page(rows, year, bool(group)))

    def _au_register(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path in ("/statements", "/resources") or re.fullmatch(r"/statements/[^/]+(/pdf)?", path):
            return Reply(301, headers={"Location": path + "/"})
        if path == "/statements/":
            if query.get("csv") == ["1"]:
                return self._file(self.corpus / AU_CSV)
            return _html_reply(self._au_search_page())
        if re.fullmatch(r"/resources/all-statement-information(_[0-9-]+)?\.csv", path):
            return self._file(self.corpus / AU_CSV)
        if match := _AU_PAGE.match(path):
            entry = self._au_statements.get(match.group(1))
            return (
                _html_reply(_au_statement_page(match.group(1), entry)) if entry is not None else _not_found()
            )
        if match := _AU_PDF.match(path):
            token = match.group(1)
            for entry in self._au_statements.values():
                if entry.get("token") == token and entry.get("file"):
                    return self._file(_inside(self.corpus / "registry" / "au", entry["file"]))
            return self._file(self.corpus / "registry" / "au" / "pdf" / f"{token}.pdf")
        return _not_found()

    def _site(self, host: str, path: str) -> Reply:
        root = self.corpus / "sites" / host
        target = _inside(root, path.lstrip("/"))
        if target is not None and target.is_dir():
            target = target / "index.html"
        return self._file(target)

    def _file(self, path: Path | None) -> Reply:
        if path is None or not path.is_file():
            return _not_found()
        body = path.read_bytes()
        content_type = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        headers = {"Last-Modified": email.utils.formatdate(path.stat().st_mtime, usegmt=True)}
        return Reply(200, body, content_type or "application/octet-stream", headers, validators=True)

    def _load_au_statements(self) -> dict[str, dict[str, Any]]:
        path = self.corpus / AU_INDEX
        return json.loads(path.read_text()) if path.is_file() else {}

    def _au_search_page(self) -> str:
        path = self.corpus / AU_CSV
        rows = read_csv_rows(decode_csv_bytes(path.read_bytes())).rows if path.is_file() else []
        esc = html.escape
        items = "".join(
            f'<a class="search-results__item" href="{esc(row.values.get("Link", ""))}">'
            f'<span class="search-results__item-entity">{esc(row.values.get("ReportingEntities", ""))}</span>'
            f'<span class="search-results__item-period">{esc(row.values.get("PeriodEnd", ""))}</span></a>\n'
            for row in rows
        )
        return html_page("Search statements", f"<h1>Statements</h1>\n{items}")


class _ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], replica: Replica, host: str
    ) -> None:
        self.replica = replica
        self.host = host
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _ReplicaServer
    server_version = "msa-replica/0.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        replica, host = self.server.replica, self.server.host
        record = RequestRecord(host, self.command, self.path, 0, dict(self.headers), time.monotonic())
        replica.requests.append(record)
        reply = replica.reply(host, self.command, self.path, record.headers)
        body = reply.body if send_body and reply.status != 304 else b""
        if reply.send_bytes is not None:
            body = body[: reply.send_bytes]
        record.status, record.body_bytes = reply.status, len(body)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.status != 304:
                self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.send_bytes is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            if reply.send_bytes is not None:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on this reply (timeout, too big): nothing to do

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        if not self.server.replica.quiet:
            super().log_message(format, *args)


def _not_modified(reply_headers: Mapping[str, str], request_headers: Mapping[str, str]) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since; either matching means 304."""
    headers = {name.lower(): value for name, value in request_headers.items()}
    if "if-none-match" in headers:
        tags = {tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")}
        return "*" in tags or reply_headers.get("ETag") in tags
    since, modified = headers.get("if-modified-since"), reply_headers.get("Last-Modified")
    if not (since and modified):
        return False
    try:
        return email.utils.parsedate_to_datetime(modified) <= email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _inside(root: Path, relative: str) -> Path | None:
    """`root/relative`, or None if it would escape root (`..` in a hostile path)."""
    target = (root / relative).resolve()
    return target if target == root.resolve() or root.resolve() in target.parents else None


def _closed_port() -> int:
    """A port nothing listens on, so that links to vanished sites are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _not_found() -> Reply:
    return _html_reply(html_page("Page not found", "<h1>Page not found</h1>"), status=404)


def _html_reply(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode(), "text/html; charset=utf-8")


def _uk_summary_page(rows: list[dict[str, str]], year: str, group: bool) -> str:
    first = rows[0]
    name = first.get("ParentName") or first.get("OrganisationName") or ""
    esc = html.escape
    parts = [f'<h1 class="govuk-heading-l">{esc(name)}</h1>', f"<p>Registry year {esc(year)}</p>"]
    if group or len(rows) > 1:
        members = "".join(f"<li>{esc(row.get('OrganisationName', ''))}</li>" for row in rows)
        parts.append(f'<h2>Organisations covered</h2><ul class="govuk-list">{members}</ul>')
    if first.get("StatementURL"):
        parts.append(
            f'<p><a class="govuk-link" rel="external" href="{esc(first["StatementURL"])}">'
            "Link to full statement</a></p>"
        )
    elif first.get("EmailAddressNoURL"):
        email_address = esc(first["EmailAddressNoURL"])
        parts.append(f'<p>Request the statement: <a href="mailto:{email_address}">{email_address}</a></p>')
    if first.get("PDFURL"):
        parts.append(
            f'<p><a class="govuk-link" href="{esc(first["PDFURL"])}">Download the statement (PDF)</a></p>'
        )
    return html_page(f"{name}: modern slavery statement summary", "\n".join(parts))


def _au_statement_page(statement_id: str, entry: dict[str, Any]) -> str:
    token = entry.get("token")
    parts = [f"<h1>Statement {html.escape(statement_id)}</h1>"]
    if token:
        pdf = f"/statements/{html.escape(token)}/pdf/"
        parts.append(
            f'<div id="the-statement-file"><iframe src="{pdf}" title="Statement file"></iframe></div>'
        )
        parts.append(f'<a class="au-btn" href="{pdf}">Download</a>')
    return html_page(f"Modern slavery statement {statement_id}", "\n".join(parts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a corpus as a replica of the registries.")
    parser.add_argument("--corpus", default="sample_corpus", help="corpus directory (default: sample_corpus)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--port-base", type=int, help="fixed ports from this one on (default: ephemeral)")
    args = parser.parse_args(argv)
    with Replica(args.corpus, quiet=not args.verbose, port_base=args.port_base) as replica:
        for name, value in replica.settings.items():
            print(f"export {name}={value}")
        print(
            f"# serving {len(replica.hosts())} hosts from {replica.corpus}; Ctrl-C to stop", file=sys.stderr
        )
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
