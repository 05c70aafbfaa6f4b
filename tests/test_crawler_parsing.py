"""The registry CSV parsers (crawler/uk_csv.py, crawler/au_csv.py) on small inline, fictional CSV text."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from crawler.au_csv import Entity, parse_au_csv, parse_entity_list
from crawler.csv_rows import decode_csv_bytes, read_csv_rows
from crawler.options import registry_years, statement_limit
from crawler.uk_csv import parse_uk_csv

UK_71 = (
    "StatementYear,OrganisationName,Address,SectorType,CompanyNumber,LastUpdated,GroupSubmission,ParentName,"
    "StatementURL,EmailAddressNoURL,StatementSummaryURL,StatementStartDate,StatementEndDate,ApprovingPerson,"
    "DateApproved,StatementIncludesOrgStructure,NoOrgStructureReason,StatementIncludesPolicies,NoPoliciesReason,"
    "StatementIncludesRisksAssessment,NoRiskAssessmentReason,StatementIncludesDueDiligence,NoDueDiligenceReason,"
    "StatementIncludesTraining,NoTrainingReason,StatementIncludesGoals,NoGoalsReason,OrganisationSectors,"
    "OtherOrganisationSector,Turnover,YearsProducingStatements,Policies,OtherPolicies,NoPolicies,Training,"
    "OtherTraining,NoTraining,WorkingConditionsEngagement,NoEngagement,SocialAudits,NoSocialAudits,"
    "GrievanceMechanisms,NoGrievanceMechanisms,OtherMonitoring,NoRisks,"
    + ",".join(
        f"Risk{i},Risk{i}Area,Risk{i}SupplyChainTier,Risk{i}GroupAffected,Risk{i}OtherGroupAffected,"
        f"Risk{i}Location,Risk{i}Mitigation"
        for i in (1, 2, 3)
    )
    + ",ILOIndicatorsInStatement,NoILOIndicatorsInStatement,ILOIndicatorsActions,ILOIndicatorsNoActions,"
    "DemonstrateProgress"
).split(",")
# The later layout: PDFURL/PDFDate and three more columns, not at the end (a by-position reader breaks).
UK_76 = (
    UK_71[:4]
    + ["IsVoluntary"]
    + UK_71[4:6]
    + ["StatementVersion"]
    + UK_71[6:9]
    + ["PDFURL", "PDFDate"]
    + UK_71[9:15]
    + ["StatementPublishedDate"]
    + UK_71[15:]
)
UK_DOWNLOADS_HOST = "downloads.modern-slavery-statement-registry.service.gov.uk"
SUMMARY = "https://modern-slavery-statement-registry.service.gov.uk/statement-summary/{}/{}"


def uk_csv(columns: list[str], rows: list[dict[str, str]], bom: bool = False) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return ("\ufeff" if bom else "") + out.getvalue()


def uk_row(**values: str) -> dict[str, str]:
    return {
        "StatementYear": "2021",
        "SectorType": "Private",
        "StatementStartDate": "01/04/2020",
        "StatementEndDate": "31/03/2021",
        "DateApproved": "15/09/2021",
        **values,
    }


def only(parsed):  # the one statement a small file yields
    assert len(parsed.statements) == 1, parsed
    return parsed.statements[0]


# UK


def test_uk_bom_and_line_breaks_inside_quoted_fields():
    text = uk_csv(
        UK_71,
        [
            uk_row(
                OrganisationName="Quillon Paper Ltd",
                Address="2 Dock Road\r\nQuillon\r\nQN1 1AA",
                OrganisationSectors="Paper\r\nPackaging",
                StatementSummaryURL=SUMMARY.format("QpL21aB1", 2021),
            )
        ],
        bom=True,
    )
    entry = only(parse_uk_csv(text, year=2021))
    assert entry["statement"]["registry_year"] == 2021  # the BOM did not hide the StatementYear column
    assert entry["organisations"][0]["address"] == "2 Dock Road\r\nQuillon\r\nQN1 1AA"
    assert json.loads(entry["statement"]["sectors"]) == ["Paper", "Packaging"]


def test_uk_71_and_76_column_files_read_by_name():
    values = uk_row(
        OrganisationName="Quillon Paper Ltd",
        StatementURL="https://www.quillon.example/msa.pdf",
        StatementSummaryURL=SUMMARY.format("QpL21aB1", 2021),
        Turnover="Under £36 million",
    )
    old = only(parse_uk_csv(uk_csv(UK_71, [values])))["statement"]
    pdf_url = f"https://{UK_DOWNLOADS_HOST}/pdf-published/QpL21aB1/2021/MSA 2021.pdf"
    new = only(parse_uk_csv(uk_csv(UK_76, [{**values, "PDFURL": pdf_url, "IsVoluntary": "No"}])))["statement"]
    assert len(UK_71) == 71 and len(UK_76) == 76
    assert old["registry_pdf_url"] is None and new["registry_pdf_url"] == pdf_url
    for key in ("statement_id", "statement_url", "turnover_band", "period_start", "period_end", "title"):
        assert old[key] == new[key], key
    assert old["statement_id"] == "uk-2021-QpL21aB1"


def test_uk_group_rows_merge_into_one_statement_with_members_and_parent():
    shared = {
        "GroupSubmission": "Yes",
        "ParentName": "ROWAN HOLDINGS PLC",
        "StatementSummaryURL": SUMMARY.format("RwH21cD3", 2021),
        "StatementURL": "https://www.rowan.example/msa-2021.pdf",
    }
    rows = [
        uk_row(OrganisationName="Rowan Holdings plc", CompanyNumber="0345678", **shared),
        uk_row(OrganisationName="Rowan Logistics Limited", CompanyNumber="SC123456", **shared),
        uk_row(OrganisationName="Rowan Foods Limited", **shared),
    ]
    entry = only(parse_uk_csv(uk_csv(UK_71, rows)))
    statement = entry["statement"]
    assert statement["statement_id"] == "uk-2021-RwH21cD3"
    assert statement["statement_type"] == "group" and statement["title"] == "ROWAN HOLDINGS PLC"
    assert len(json.loads(statement["registry_row"])) == 3
    members = {link["organisation_id"] for link in entry["links"] if link["role"] == "member"}
    assert members == {"uk-co-00345678", "uk-co-SC123456", "uk-org-rowan-foods-limited"}
    # The parent is one of the members (matched by name, case aside), not a second organisation.
    assert [link["organisation_id"] for link in entry["links"] if link["role"] == "parent"] == [
        "uk-co-00345678"
    ]
    assert len(entry["organisations"]) == 3


def test_uk_parent_not_among_members_becomes_its_own_organisation():
    row = uk_row(
        OrganisationName="Sorrel Retail Limited",
        ParentName="Sorrel Group AG",
        StatementSummaryURL=SUMMARY.format("SrR21eF4", 2021),
    )
    entry = only(parse_uk_csv(uk_csv(UK_71, [row])))
    assert {"organisation_id": "uk-org-sorrel-group-ag", "role": "parent"} in entry["links"]
    parent = next(org for org in entry["organisations"] if org["organisation_id"] == "uk-org-sorrel-group-ag")
    assert set(parent) == {"organisation_id", "name", "jurisdiction"}  # nothing to blank an existing row with


def test_uk_bare_number_name_takes_the_parent_name():
    row = uk_row(
        OrganisationName="10293847",
        ParentName="Tansy Marine Limited",
        StatementSummaryURL=SUMMARY.format("TmL21gH5", 2021),
    )
    entry = only(parse_uk_csv(uk_csv(UK_71, [row])))
    assert [org["name"] for org in entry["organisations"]] == ["Tansy Marine Limited"]
    assert [link["role"] for link in entry["links"]] == ["member"]
    assert entry["statement"]["title"] == "Tansy Marine Limited"


def test_uk_name_with_quote_characters():
    row = uk_row(
        OrganisationName='Umber "Best" Bakes Ltd', StatementSummaryURL=SUMMARY.format("UbB21iJ6", 2021)
    )
    entry = only(parse_uk_csv(uk_csv(UK_71, [row])))
    assert entry["organisations"][0]["name"] == 'Umber "Best" Bakes Ltd'
    assert entry["organisations"][0]["organisation_id"] == "uk-org-umber-best-bakes-ltd"


def test_uk_dates_flags_and_email_only():
    row = uk_row(
        OrganisationName="Vetch Couriers Ltd",
        EmailAddressNoURL="msa@vetch.example",
        StatementSummaryURL=SUMMARY.format("VcC21kL7", 2021),
        StatementIncludesOrgStructure="Yes",
        StatementIncludesPolicies="No",
        StatementIncludesRisksAssessment="",
    )
    statement = only(parse_uk_csv(uk_csv(UK_71, [row])))["statement"]
    assert (statement["period_start"], statement["period_end"], statement["date_approved"]) == (
        "2020-04-01",
        "2021-03-31",
        "2021-09-15",
    )
    assert (
        statement["declared_org_structure"],
        statement["declared_policies"],
        statement["declared_risk_assessment"],
    ) == (1, 0, None)
    assert statement["email_only"] == 1 and statement["statement_url"] is None
    assert statement["email_address"] == "msa@vetch.example"


def test_uk_statement_id_without_summary_url_hashes_the_name():
    entry = only(parse_uk_csv(uk_csv(UK_71, [uk_row(OrganisationName="Wren Works Ltd")])))
    assert entry["statement"]["statement_id"].startswith("uk-2021-")
    assert len(entry["statement"]["statement_id"]) == len("uk-2021-") + 10


def test_uk_broken_row_is_skipped_with_its_line_and_reason():
    good = uk_row(
        OrganisationName="Yarrow Ltd",
        Address="1 Lane\r\nTown",
        StatementSummaryURL=SUMMARY.format("YrL21mN8", 2021),
    )
    text = (
        uk_csv(UK_71, [good])
        + "2021,Cut Short Ltd,,Private\r\n"
        + uk_csv(
            UK_71,
            [uk_row(OrganisationName="Zinnia Ltd", StatementSummaryURL=SUMMARY.format("ZnL21pQ9", 2021))],
        ).split("\r\n", 1)[1]
    )
    parsed = parse_uk_csv(text)
    assert [entry["statement"]["title"] for entry in parsed.statements] == ["Yarrow Ltd", "Zinnia Ltd"]
    assert [(skip.line, skip.reason) for skip in parsed.skipped] == [(4, "expected 71 fields, found 4")]


def test_uk_row_without_a_name_or_year_is_skipped():
    parsed = parse_uk_csv(
        uk_csv(
            UK_71, [uk_row(OrganisationName=""), uk_row(OrganisationName="Aster Ltd", StatementYear="n/a")]
        )
    )
    assert parsed.statements == []
    assert [skip.reason for skip in parsed.skipped] == [
        "no OrganisationName or ParentName",
        "no readable StatementYear ('n/a')",
    ]


def test_uk_html_instead_of_csv_is_one_skip_not_hundreds():
    parsed = parse_uk_csv(
        "<!DOCTYPE html>\n<html><body>\n<p>Service unavailable, retry</p>\n</body></html>\n"
    )
    assert parsed.statements == [] and len(parsed.skipped) == 1


def test_decode_csv_bytes_falls_back_to_cp1252():
    assert decode_csv_bytes("Turnover,£36m\n".encode("cp1252")) == "Turnover,£36m\n"
    assert decode_csv_bytes(b"\xef\xbb\xbfA,B\n") == "A,B\n"


def test_read_csv_rows_tolerates_trailing_empty_fields():
    table = read_csv_rows("A,B\r\n1,2,\r\n3,4,5\r\n")
    assert [row.values for row in table.rows] == [{"A": "1", "B": "2"}]
    assert [skip.reason for skip in table.skipped] == ["expected 2 fields, found 3"]


# AU

AU_HEADER = (
    "IDX,PeriodStart,PeriodEnd,Type,HeadquarteredCountries,AnnualRevenue,ReportingEntities,"
    "IncludedEntities,ABN,ACN,ARBN,Link,IndustrySectors,RelatedStatements"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "BANKSIA FOODS LIMITED (12 345 678 901), BANKSIA FARMS PTY LTD (23 456 789 012)",
            [
                Entity("BANKSIA FOODS LIMITED", abn="12345678901"),
                Entity("BANKSIA FARMS PTY LTD", abn="23456789012"),
            ],
        ),
        ("Pelican Airways, Inc.", [Entity("Pelican Airways, Inc.")]),
        (
            "CORELLA STORES (A LIMITED PARTNERSHIP) (34 567 890 123)",
            [Entity("CORELLA STORES (A LIMITED PARTNERSHIP)", abn="34567890123")],
        ),
        (
            "Dingo Holdings Incorporated, DINGO AUSTRALIA LIMITED (45 678 901 234), Dingo UK Services Ltd",
            [
                Entity("Dingo Holdings Incorporated"),
                Entity("DINGO AUSTRALIA LIMITED", abn="45678901234"),
                Entity("Dingo UK Services Ltd"),
            ],
        ),
        (
            "Emu Trading Co., Ltd. (56 789 012 345), EMU PTY LTD (123 456 789)",
            [Entity("Emu Trading Co., Ltd.", abn="56789012345"), Entity("EMU PTY LTD", acn="123456789")],
        ),
        ("Galah Fund (2019), GALAH PTY LTD", [Entity("Galah Fund (2019)"), Entity("GALAH PTY LTD")]),
        ("", []),
    ],
)
def test_au_entity_lists(text, expected):
    assert parse_entity_list(text) == expected


def test_au_current_columns():
    text = (
        AU_HEADER + "\n"
        '2021-7,2020-07-01,2021-06-30,Joint,"Australia, New Zealand",100-150M,'
        '"BANKSIA FOODS LIMITED (12 345 678 901), BANKSIA FARMS PTY LTD (23 456 789 012)",'
        '"BANKSIA TRANSPORT PTY LTD (34 567 890 123)","12345678901, 23456789012, 34567890123",,,'
        "https://modernslaveryregister.gov.au/statements/9001/,"
        '"Agriculture, Forestry and Fishing\nManufacturing",'
        '"2022-15, 2023-4"\n'
        '2021-8,2020-01-01,2020-12-31,Voluntary,United States of America,1BN+,,"Pelican Airways, Inc.",,,'
        "612345678,https://modernslaveryregister.gov.au/statements/9002/,Other Services,\n"
    )
    parsed = parse_au_csv(text)
    assert parsed.skipped == []
    first, second = parsed.statements
    statement = first["statement"]
    assert statement["statement_id"] == "au-2021-7" and statement["registry_year"] == 2021
    assert statement["statement_type"] == "joint" and statement["title"] == "BANKSIA FOODS LIMITED"
    assert json.loads(statement["sectors"]) == ["Agriculture, Forestry and Fishing", "Manufacturing"]
    assert json.loads(statement["related_statements"]) == ["au-2022-15", "au-2023-4"]
    assert statement["headquartered_countries"] == "Australia, New Zealand"
    assert statement["registry_url"] == "https://modernslaveryregister.gov.au/statements/9001/"
    assert "registry_pdf_url" not in statement  # comes from the statement page; an upsert must not blank it
    assert {(link["organisation_id"], link["role"]) for link in first["links"]} == {
        ("au-abn-12345678901", "reporting"),
        ("au-abn-23456789012", "reporting"),
        ("au-abn-34567890123", "included"),
    }
    assert second["statement"]["statement_type"] == "voluntary"
    # The one entity without a number gets the one number the ARBN column has.
    assert second["links"] == [{"organisation_id": "au-arbn-612345678", "role": "included"}]
    assert second["organisations"][0]["name"] == "Pelican Airways, Inc."


def test_au_numbers_are_not_guessed_when_ambiguous():
    text = (
        AU_HEADER + "\n"
        '2026-3,2025-01-01,2025-12-31,Joint,Australia,0-99M,"KOALA PTY LTD, KOALA WA PTY LTD",,,'
        '"118781445, 601254899",,https://modernslaveryregister.gov.au/statements/9003/,Retail Trade,\n'
    )
    entry = only(parse_au_csv(text))
    assert {org["organisation_id"] for org in entry["organisations"]} == {
        "au-org-koala-pty-ltd",
        "au-org-koala-wa-pty-ltd",
    }


def test_au_older_column_set():
    text = (
        "StatementId,PeriodStart,PeriodEnd,Type,SubmittedAt,PublishedAt,Countries,Trademarks,AnnualRevenue,"
        "Entities,Link,IndustrySectors,OverseasObligations\n"
        "2020-31,2019-07-01,2020-06-30,Single,2020-12-01,2020-12-20,Australia,,150-200M,"
        "WOMBAT MINING LIMITED (67 890 123 456),https://modernslaveryregister.gov.au/statements/9004/,"
        '"Mining, metals, chemicals and resources (including oil and gas)",No\n'
    )
    entry = only(parse_au_csv(text))
    assert entry["statement"]["statement_id"] == "au-2020-31"
    assert entry["statement"]["headquartered_countries"] == "Australia"
    assert entry["links"] == [{"organisation_id": "au-abn-67890123456", "role": "reporting"}]


def test_au_broken_and_id_less_rows_are_skipped():
    text = (
        AU_HEADER + "\n"
        "2021-9,2020-07-01,2021-06-30,Single\n"
        ",2020-07-01,2021-06-30,Single,Australia,0-99M,QUOLL PTY LTD,,,,,,Other,\n"
        "2021-10,2020-07-01,2021-06-30,Single,Australia,0-99M,QUOLL PTY LTD,,,,,,Other,\n"
    )
    parsed = parse_au_csv(text)
    assert [entry["statement"]["statement_id"] for entry in parsed.statements] == ["au-2021-10"]
    assert [(skip.line, skip.reason) for skip in parsed.skipped] == [
        (2, "expected 14 fields, found 4"),
        (3, "no IDX"),
    ]


# settings


def test_registry_years_and_limit():
    assert registry_years("", today=date(2026, 3, 1)) == list(range(2020, 2028))
    assert registry_years("2020-2022, 2025") == [2020, 2021, 2022, 2025]
    assert registry_years([2024, 2021]) == [2021, 2024]
    with pytest.raises(ValueError):
        registry_years("last year")
    assert statement_limit("") is None and statement_limit("0") is None and statement_limit(5) == 5
