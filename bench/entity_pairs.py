"""The real registry rows of ../shared/research/registries as the entity linker sees them, and the
pairs of their organisations that were checked by hand (bench/labels/entity_pairs_real.json).

The rows are parsed by the crawler's own CSV readers, so the organisations and their ids are the
ones `msa crawl` would store. Pairs are committed as row keys and a hash of the name, never the
text: the labels file says which registry row each side comes from.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from crawler.au_csv import parse_au_csv
from crawler.csv_rows import decode_csv_bytes, read_csv_rows
from crawler.uk_csv import parse_uk_csv
from publish.entity_linking import Filing, Organisation

UK_FILE = "uk_StatementSummaries2020-2021_head5.csv"
UK_EXAMPLE = "uk_statement_record_normalized_example.json"
AU_FILE = "au_all-statement-information_sample.csv"
PAIRS = Path(__file__).parent / "labels" / "entity_pairs_real.json"
# Words that say nothing about who a company is, left out when looking for look-alike names.
_FORM_WORDS = {"limited", "ltd", "pty", "plc", "inc", "incorporated", "corporation", "pte", "the", "of", "a"}
_FORM_WORDS |= {"and", "partnership", "company"}


@dataclass(frozen=True)
class RealOrganisation:
    """An organisation of the real rows, with the registry row it was read from."""

    organisation: Organisation
    statement_id: str
    role: str
    source: str  # file name under research/registries
    row: str  # UK: CSV line number; AU: IDX; the UK example: "1"
    field: str  # the column that names it


def name_sha1(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def real_rows(registries: Path) -> tuple[dict[str, RealOrganisation], list[Filing]]:
    """Organisations (by id) and statements of the real UK and AU rows."""
    found: dict[str, RealOrganisation] = {}
    filings: list[Filing] = []
    uk_text = decode_csv_bytes((registries / UK_FILE).read_bytes())
    line_of = {row.values.get("OrganisationName"): row.line for row in read_csv_rows(uk_text).rows}
    for parsed, source in ((parse_uk_csv(uk_text), UK_FILE), (parse_au_csv(_au_text(registries)), AU_FILE)):
        for item in parsed.statements:
            statement_id = item["statement"]["statement_id"]
            roles = {link["organisation_id"]: link["role"] for link in item["links"]}
            filings.append(
                Filing(statement_id, tuple((link["organisation_id"], link["role"]) for link in item["links"]))
            )
            for org in item["organisations"]:
                role = roles[org["organisation_id"]]
                if source == UK_FILE:
                    row, field = (
                        str(line_of.get(org["name"], 2)),
                        "ParentName" if role == "parent" else "OrganisationName",
                    )
                else:
                    row, field = (
                        statement_id.removeprefix("au-"),
                        "IncludedEntities" if role == "included" else "ReportingEntities",
                    )
                found[org["organisation_id"]] = RealOrganisation(
                    _organisation(org), statement_id, role, source, row, field
                )
    example = json.loads((registries / UK_EXAMPLE).read_text(encoding="utf-8"))
    org = Organisation(
        f"uk-co-{example['company_number']}", example["organisation_name"], "uk", example["company_number"]
    )
    statement_id = (
        "uk-" + example["statement_year"] + "-" + example["statement_summary_url"].rstrip("/").split("/")[-2]
    )
    found[org.organisation_id] = RealOrganisation(
        org, statement_id, "member", UK_EXAMPLE, "1", "organisation_name"
    )
    filings.append(Filing(statement_id, ((org.organisation_id, "member"),)))
    return found, filings


def _au_text(registries: Path) -> str:
    return decode_csv_bytes((registries / AU_FILE).read_bytes())


def _organisation(row: dict) -> Organisation:
    return Organisation(
        row["organisation_id"],
        row["name"],
        row["jurisdiction"],
        row.get("company_number"),
        row.get("abn"),
        row.get("acn"),
        row.get("arbn"),
    )


def _words(name: str) -> set[str]:
    return {
        w for w in re.sub(r"[^a-z0-9]+", " ", name.lower()).split() if w not in _FORM_WORDS and len(w) > 1
    }


def candidate_pairs(found: dict[str, RealOrganisation], total: int, seed: int = 19) -> list[tuple[str, str]]:
    """The pairs to check: every pair one statement names together, every look-alike pair (a shared
    name word), then pairs drawn at random from the rest up to `total`."""
    pairs = list(itertools.combinations(sorted(found), 2))
    together = [p for p in pairs if found[p[0]].statement_id == found[p[1]].statement_id]
    alike = [
        p
        for p in pairs
        if p not in together and _words(found[p[0]].organisation.name) & _words(found[p[1]].organisation.name)
    ]
    rest = [p for p in pairs if p not in together and p not in alike]
    return together + alike + random.Random(seed).sample(rest, max(0, total - len(together) - len(alike)))


def side(org: RealOrganisation) -> dict[str, str]:
    """How a pair names one organisation: its registry row, the id msa gives it, a hash of its name."""
    return {
        "source": org.source,
        "row": org.row,
        "field": org.field,
        "organisation_id": org.organisation.organisation_id,
        "name_sha1": name_sha1(org.organisation.name),
    }


def load_pairs(
    found: dict[str, RealOrganisation], path: Path = PAIRS
) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """(a, b, same) per adjudicated pair, and problems (a row that is not there, a name that changed)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    pairs, problems = [], []
    for pair in data["pairs"]:
        ids = []
        for key in ("a", "b"):
            org = found.get(pair[key]["organisation_id"])
            if org is None or name_sha1(org.organisation.name) != pair[key]["name_sha1"]:
                problems.append(f"{pair[key]['organisation_id']}: not in the rows, or its name changed")
            ids.append(pair[key]["organisation_id"])
        pairs.append((ids[0], ids[1], pair["adjudicated"] == "same"))
    return pairs, problems
