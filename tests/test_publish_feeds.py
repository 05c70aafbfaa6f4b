"""The Atom feeds of new and changed statements (datasette-atom through publish/plugins/msa_feeds.py),
fetched through the real Datasette client and validated as Atom (RFC 4287)."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from db import connect
from msa import build_stage
from msa.paths import METADATA_PATH
from msa.serve import datasette_app, load_metadata
from synthetic.publish_db import HARBOURLINE, Line, Statement, statements, write_statement
from tests.demo_fixture import BRIGHTWATER
from tests.publish_fixture import fetch

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _rfc3339(text: str | None) -> datetime.datetime:
    assert text and RFC3339.match(text), text
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_feed(ds, path: str) -> ET.Element:
    """GET a feed and check what RFC 4287 requires of it and of each entry; returns the feed element."""
    response = fetch(ds, path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("application/xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    _rfc3339(feed.findtext(f"{ATOM}updated"))
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        _rfc3339(entry.findtext(f"{ATOM}updated"))
        assert urlsplit(entry.findtext(f"{ATOM}id")).scheme  # an IRI
        # every entry has an author (or the feed has one): RFC 4287 4.1.1
        assert entry.find(f"{ATOM}author/{ATOM}name").text.strip()
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids))
    return feed


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def statement_link(entry: ET.Element) -> str:
    href = entry.find(f"{ATOM}link").get("href")
    parts = urlsplit(href)
    assert parts.scheme == "http" and parts.netloc, href  # absolute, resolved against the feed's URL
    assert parts.path.startswith("/msa/statements/"), href
    return parts.path


@pytest.mark.parametrize("feed", ["new_statements", "changed_statements"])
def test_feeds_are_valid_atom_linking_to_statement_pages(demo_ds, feed):
    parsed = parse_feed(demo_ds, f"/msa/{feed}.atom")
    found = entries(parsed)
    assert found
    for entry in found:
        path = statement_link(entry)
        page = fetch(demo_ds, path)
        assert page.status_code == 200
        statement_id = path.rsplit("/", 1)[1]
        assert statement_id in entry.findtext(f"{ATOM}id")
    newest = max(_rfc3339(e.findtext(f"{ATOM}updated")) for e in found)
    assert _rfc3339(parsed.findtext(f"{ATOM}updated")) == newest
    assert parsed.findtext(f"{ATOM}title") == load_metadata()["databases"]["msa"]["queries"][feed]["title"]


def _statement_ids(feed: ET.Element) -> list[str]:
    return [statement_link(e).rsplit("/", 1)[1] for e in entries(feed)]


def test_new_statements_lists_every_statement_newest_first(demo_ds):
    feed = parse_feed(demo_ds, "/msa/new_statements.atom")
    count = fetch(demo_ds, "/msa.json?sql=select+count(*)+from+statements&_shape=arrayfirst").json()[0]
    assert len(entries(feed)) == count
    updated = [_rfc3339(e.findtext(f"{ATOM}updated")) for e in entries(feed)]
    assert updated == sorted(updated, reverse=True)


def test_new_statements_filters(demo_ds):
    au = _statement_ids(parse_feed(demo_ds, "/msa/new_statements.atom?jurisdiction=au"))
    assert sorted(au) == [
        "au-2021-1187",
        "au-2022-1503",
        "au-2022-2210",
        "au-2023-2876",
        "au-2023-3051",
        "au-2023-415",
    ]
    mining = _statement_ids(parse_feed(demo_ds, "/msa/new_statements.atom?sector=Mining"))
    assert sorted(mining) == ["au-2021-1187", "au-2022-1503", "uk-2023-Sx2mC9ra"]  # and its UK subsidiary
    brightwater = _statement_ids(parse_feed(demo_ds, "/msa/new_statements.atom?entity=Brightwater"))
    assert sorted(brightwater) == ["au-2023-2876", "uk-2021-Bw7fQ2kd", "uk-2022-Bw7fQ2kd", "uk-2023-Bw7fQ2kd"]
    # Brightwater's entity files in both registries: in the AU register, its subsidiary's joint statement
    assert _statement_ids(
        parse_feed(demo_ds, "/msa/new_statements.atom?jurisdiction=au&entity=Brightwater")
    ) == ["au-2023-2876"]


def test_changed_statements_are_those_that_changed_against_the_previous_year(demo_ds):
    feed = parse_feed(demo_ds, "/msa/changed_statements.atom")
    # Hartwell Logistics alone after its group statement, Pennine renamed Colne Valley: one entity each
    assert sorted(_statement_ids(feed)) == [
        "au-2022-1503",
        "uk-2022-Bw7fQ2kd",
        "uk-2023-Bw7fQ2kd",
        "uk-2023-Hl3vQ8ks",
        "uk-2023-pT3nR8vc",
    ]
    by_id = {statement_link(e).rsplit("/", 1)[1]: e for e in entries(feed)}
    content = by_id["uk-2023-Bw7fQ2kd"].find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "impact share 0.09 → 0.37" in content.text and BRIGHTWATER in content.text
    assert "s.16(1)(d) partly → met" in by_id["au-2022-1503"].find(f"{ATOM}content").text
    page = fetch(demo_ds, statement_link(by_id["uk-2023-Bw7fQ2kd"]))  # the entry's page says what changed
    assert 'class="msa-change"' in page.text and "61 new sentences, 43 dropped" in page.text
    assert 'href="/msa/statements/uk-2022-Bw7fQ2kd"' in page.text
    only_au = _statement_ids(parse_feed(demo_ds, "/msa/changed_statements.atom?jurisdiction=au"))
    assert only_au == ["au-2022-1503"]


def test_a_feed_that_matches_nothing_is_an_empty_valid_feed(demo_ds):
    feed = parse_feed(demo_ds, "/msa/changed_statements.atom?entity=no+such+company")
    assert entries(feed) == []


def test_query_pages_offer_the_feed(demo_ds):
    page = fetch(demo_ds, "/msa/new_statements?jurisdiction=uk")
    assert page.status_code == 200 and "new_statements.atom?jurisdiction=uk" in page.text


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


@pytest.fixture(scope="module")
def hostile_ds(tmp_path_factory) -> object:
    """The fictional fixture plus an organisation whose name and document URL are hostile HTML."""
    path = Path(tmp_path_factory.mktemp("feeds")) / "msa.db"
    db = connect(path)
    hostile = Statement(
        "uk-2024-HLF00001",
        "uk",
        2024,
        (HARBOURLINE[0], '<script>alert(1)</script><img src=x onerror="alert(2)"> Foods & Co'),
        lines=[Line("We repaid 40 workers their recruitment fees.", "impact", ("c4_remediation",))],
    )
    with db.atomic():
        for st in [*statements(), hostile]:
            write_statement(db, st)
    db.execute(
        "UPDATE statement_documents SET final_url = 'javascript:alert(3)' WHERE statement_id = ?",
        [hostile.statement_id],
    )
    db.conn.commit()
    build_stage.run(db, path.parent)
    db.conn.close()
    return datasette_app(path)


def test_feed_html_content_is_safe(hostile_ds):
    assert "datasette-atom" not in load_metadata(METADATA_PATH).get("plugins", {})  # bleach stays on
    feed = parse_feed(hostile_ds, "/msa/new_statements.atom?entity=Foods+%26+Co")
    # The hostile name is Harbourline's organisation's now, so its entity (publish/entities.py) lists
    # all four Harbourline statements; the hostile one carries the javascript: document URL.
    [entry] = [e for e in entries(feed) if statement_link(e).endswith("/uk-2024-HLF00001")]
    assert "<script>" in entry.findtext(f"{ATOM}title")  # a title is text: shown, never run
    html = entry.find(f"{ATOM}content").text
    parser = _Tags()
    parser.feed(html)
    assert {tag for tag, _ in parser.tags} <= {"p", "a"}
    assert not any(name.startswith("on") for _, attrs in parser.tags for name, _ in attrs)
    assert "javascript:" not in html.lower()  # not an http link: not linked
    assert "&lt;script&gt;" in html and "Foods &amp; Co" in html
