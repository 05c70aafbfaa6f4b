"""Regenerate the crawler test corpus in tests/files/crawler/ (fictional; run by hand:
`python -m synthetic.crawler_fixtures`).

Same layout as sample_corpus/ (docs/ARCHITECTURE.md). Every organisation, person and site here is made
up; hosts use the reserved `.example` TLD. The PDFs are minimal one-page PDFs written without a library;
the column lists, URL shapes and writers are synthetic/corpus_layout.py's, as for every corpus here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from synthetic.corpus_layout import (
    AU_COLUMNS,
    AU_CSV,
    AU_INDEX,
    AU_PAGE_URL,
    AU_PDF_DIR,
    UK_71,
    UK_76,
    UK_CSV,
    UK_PDF_DIR,
    UK_PDF_URL,
    UK_SUMMARY_URL,
    au_entity,
    row_values,
    write_csv,
    write_file,
)
from synthetic.documents import minimal_pdf

HERE = Path(__file__).resolve().parents[1] / "tests" / "files" / "crawler"

WATTLEBROOK = ", ".join(
    (
        au_entity("WATTLEBROOK HOLDINGS LIMITED", "12345678901"),
        au_entity("WATTLEBROOK FARMS PTY LTD", "23456789012"),
    )
)
AREAS = (
    "StatementIncludesOrgStructure",
    "StatementIncludesPolicies",
    "StatementIncludesRisksAssessment",
    "StatementIncludesDueDiligence",
    "StatementIncludesTraining",
    "StatementIncludesGoals",
)


def pdf(*lines: str) -> bytes:
    return minimal_pdf(*lines)


def uk_row(columns: list[str], **values: str) -> list[str]:
    return row_values(columns, values)


write = write_file


def flags(*values: str) -> dict[str, str]:
    return dict(zip(AREAS, values, strict=True))


def uk_2020() -> None:
    common = {
        "StatementYear": "2020",
        "SectorType": "Private",
        "LastUpdated": "14/05/2021",
        "StatementStartDate": "01/01/2020",
        "StatementEndDate": "31/12/2020",
        "DateApproved": "21/04/2021",
        "Turnover": "£36 million to £60 million",
    }
    fernhill = {
        **common,
        "GroupSubmission": "Yes",
        "ParentName": "FERNHILL GROUP PLC",
        "StatementURL": "https://www.fernhill-group.example/modern-slavery/2020-statement.pdf",
        "StatementSummaryURL": UK_SUMMARY_URL.format(org_id="FhG20aB1", year=2020),
        "ApprovingPerson": "Imogen Vale (Chair)",
        "OrganisationSectors": "Food and beverages\r\nAgriculture",
        **flags("Yes", "Yes", "Yes", "No", "Yes", "No"),
    }
    rows = [
        uk_row(UK_71, **fernhill, OrganisationName="Fernhill Mills Limited"),
        uk_row(
            UK_71,
            **fernhill,
            OrganisationName="Fernhill Group plc",
            CompanyNumber="01234567",
            Address="1 Mill Lane\r\nFernhill\r\nFH1 2AB",
        ),
        uk_row(UK_71, **fernhill, OrganisationName="Fernhill Bakeries Limited", CompanyNumber="2345678"),
        uk_row(
            UK_71,
            **common,
            OrganisationName="Brightwater Foods Ltd",
            CompanyNumber="07654321",
            GroupSubmission="No",
            StatementURL="https://www.brightwater-foods.example/modern-slavery-statement/",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="BwF20cD2", year=2020),
            ApprovingPerson="Tom Reed (Director)",
            OrganisationSectors="Food and beverages",
            **flags("Yes", "Yes", "No", "No", "Yes", "No"),
        ),
        uk_row(
            UK_71,
            **common,
            OrganisationName="Kestrel Couriers Limited",
            GroupSubmission="No",
            EmailAddressNoURL="compliance@kestrel-couriers.example",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="KcL20eF3", year=2020),
            **flags("Yes", "No", "No", "No", "No", "No"),
        ),
        uk_row(
            UK_71,
            **common,
            OrganisationName="Larkspur Textiles Limited",
            GroupSubmission="No",
            StatementURL="https://www.larkspur-textiles.example/files/msa-2020.pdf",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="LkT20gH4", year=2020),
        ),
        uk_row(
            UK_71,
            **common,
            OrganisationName="10293847",
            ParentName="Osprey Marine Services Limited",
            GroupSubmission="No",
            StatementURL="https://www.osprey-marine.example/msa-2020.pdf",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="OsM20iJ5", year=2020),
        ),
        uk_row(
            UK_71,
            **common,
            OrganisationName='Hawthorn "Quality" Meats Ltd',
            GroupSubmission="No",
            StatementURL="https://www.hawthorn-meats.example/msa.png",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="HqM20kL6", year=2020),
        ),
    ]
    # A row cut short, as a truncated download would leave it: skipped with a reason, not a crash.
    write_csv(
        HERE / UK_CSV.format(year=2020),
        UK_71,
        rows,
        bom=True,
        raw_tail="2020,Truncated Trading Ltd,,Private\r\n",
    )


def uk_2024() -> None:
    common = {
        "StatementYear": "2024",
        "SectorType": "Private",
        "LastUpdated": "02/06/2024",
        "GroupSubmission": "No",
        "StatementStartDate": "01/04/2023",
        "StatementEndDate": "31/03/2024",
        "DateApproved": "30/05/2024",
        "Turnover": "£60 million to £100 million",
        "StatementVersion": "1",
        "IsVoluntary": "No",
    }
    pdf_name = "BwF20cD2/2024/Modern Slavery Statement 2024.pdf"
    rows = [
        uk_row(
            UK_76,
            **common,
            OrganisationName="Brightwater Foods Ltd",
            CompanyNumber="07654321",
            StatementURL="https://www.brightwater-foods.example/files/msa-2024.pdf",
            PDFURL=UK_PDF_URL.format(path=pdf_name),
            PDFDate="2024-06-02T10:00:00",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="BwF20cD2", year=2024),
            ApprovingPerson="Tom Reed (Director)",
            **flags("Yes", "Yes", "Yes", "", "Yes", ""),
        ),
        uk_row(
            UK_76,
            **common,
            OrganisationName="Merlin Software Limited",
            StatementURL="https://www.merlin-software.example/private/msa-2024.pdf",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="MsW24mN7", year=2024),
            **flags("Yes", "", "", "", "", ""),
        ),
        uk_row(
            UK_76,
            **common,
            OrganisationName="Teasel Packaging Limited",
            CompanyNumber="SC123456",
            StatementURL="https://www.teasel-packaging.example/about/modern-slavery/",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="TsP24rS9", year=2024),
            ApprovingPerson="Ruth Coll (Director)",
            **flags("Yes", "Yes", "", "", "", ""),
        ),
        uk_row(
            UK_76,
            **common,
            OrganisationName="Vanished Trading Limited",
            StatementURL="https://www.vanished-trading.example/msa.pdf",
            StatementSummaryURL=UK_SUMMARY_URL.format(org_id="VnT24pQ8", year=2024),
        ),
    ]
    write_csv(HERE / UK_CSV.format(year=2024), UK_76, rows, bom=False)
    brightwater_2024 = pdf(
        "Brightwater Foods Ltd: modern slavery statement 2024.",
        "We audited 12 suppliers and remediated two wage cases.",
    )
    write(HERE / UK_PDF_DIR / pdf_name, brightwater_2024)
    write(HERE / "sites/www.brightwater-foods.example/files/msa-2024.pdf", brightwater_2024)


def au() -> None:
    def row(**values: str) -> list[str]:
        return row_values(AU_COLUMNS, values)

    rows = [
        row(
            IDX="2021-101",
            PeriodStart="2020-07-01",
            PeriodEnd="2021-06-30",
            Type="Joint",
            HeadquarteredCountries="Australia",
            AnnualRevenue="100-150M",
            ReportingEntities=WATTLEBROOK,
            ABN="12345678901, 23456789012",
            Link=AU_PAGE_URL.format(id=5001),
            IndustrySectors="Agriculture, Forestry and Fishing\nManufacturing",
            RelatedStatements="2022-88",
        ),
        row(
            IDX="2021-102",
            PeriodStart="2020-01-01",
            PeriodEnd="2020-12-31",
            Type="Single",
            HeadquarteredCountries="United States of America",
            AnnualRevenue="1BN+",
            ReportingEntities="Coral Reef Airlines, Inc.",
            ARBN="612345678",
            Link=AU_PAGE_URL.format(id=5002),
            IndustrySectors="Transportation, logistics, and storage",
        ),
        row(
            IDX="2022-88",
            PeriodStart="2021-07-01",
            PeriodEnd="2022-06-30",
            Type="Joint",
            HeadquarteredCountries="Australia",
            AnnualRevenue="100-150M",
            ReportingEntities=WATTLEBROOK,
            ABN="12345678901, 23456789012",
            Link=AU_PAGE_URL.format(id=5003),
            IndustrySectors="Agriculture, Forestry and Fishing",
            RelatedStatements="2021-101",
        ),
        row(
            IDX="2022-90",
            PeriodStart="2021-07-01",
            PeriodEnd="2022-06-30",
            Type="Voluntary",
            HeadquarteredCountries="Australia",
            AnnualRevenue="0-99M",
            IncludedEntities="GUMTREE CONSULTING PTY LTD (34 567 890 123)",
            ABN="34567890123",
            Link=AU_PAGE_URL.format(id=5004),
            IndustrySectors="Professional, Scientific and Technical Services",
        ),
    ]
    write_csv(HERE / AU_CSV, AU_COLUMNS, rows, bom=False)
    wattlebrook = pdf("Wattlebrook joint modern slavery statement.", "Approved by the board of Wattlebrook.")
    statements = {
        "5001": {"token": "Wb7kQ2mNp4Rt8Xz", "file": "pdf/Wb7kQ2mNp4Rt8Xz.pdf"},
        "5002": {"token": "Cr3aLn9Yt5Ue1Vq", "file": "pdf/Cr3aLn9Yt5Ue1Vq.pdf"},
        # 2022-88 lodged the same file again under a new token: stored once by sha256.
        "5003": {"token": "Wb9hT4sKd2Fg6Jl", "file": "pdf/Wb9hT4sKd2Fg6Jl.pdf"},
        # 5004 (2022-90) is missing on purpose: its statement page is a 404.
    }
    write(HERE / AU_INDEX, json.dumps(statements, indent=2) + "\n")
    write(HERE / AU_PDF_DIR / "Wb7kQ2mNp4Rt8Xz.pdf", wattlebrook)
    write(HERE / AU_PDF_DIR / "Wb9hT4sKd2Fg6Jl.pdf", wattlebrook)
    write(
        HERE / AU_PDF_DIR / "Cr3aLn9Yt5Ue1Vq.pdf",
        pdf("Coral Reef Airlines, Inc. modern slavery statement.", "We train all cabin crew."),
    )


def sites() -> None:
    write(
        HERE / "sites/www.fernhill-group.example/modern-slavery/2020-statement.pdf",
        pdf("Fernhill Group plc: modern slavery statement 2020.", "This statement covers three companies."),
    )
    write(
        HERE / "sites/www.brightwater-foods.example/modern-slavery-statement/index.html",
        '<!DOCTYPE html>\n<html lang="en"><head><title>Modern slavery statement</title></head>\n'
        "<body><main><h1>Brightwater Foods modern slavery statement 2020</h1>\n"
        "<p>We map our tier one suppliers every year.</p></main></body></html>\n",
    )
    write(
        HERE / "sites/www.larkspur-textiles.example/index.html",
        "<!DOCTYPE html>\n<html><head><title>Larkspur Textiles</title></head><body>Home</body></html>\n",
    )
    write(
        HERE / "sites/www.osprey-marine.example/msa-2020.pdf",
        pdf("Osprey Marine Services Limited: modern slavery statement.", "Signed by the managing director."),
    )
    write(
        HERE / "sites/www.hawthorn-meats.example/msa.png",
        bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
        + bytes.fromhex("1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"),
    )
    # A landing page: site chrome, a sentence, and the link to the statement PDF.
    write(
        HERE / "sites/www.teasel-packaging.example/about/modern-slavery/index.html",
        '<!DOCTYPE html>\n<html lang="en"><head><title>Modern slavery | Teasel Packaging</title></head>\n'
        '<body><div class="cookie-banner"><p>We use cookies. <a href="/cookies.pdf">Cookie policy (PDF)</a>'
        "</p></div>"
        '<header><nav><a href="/">Home</a> <a href="/about/">About us</a></nav></header>\n'
        "<main><h1>Modern slavery statement</h1><p>Teasel Packaging publishes a statement every year.</p>"
        '<ul><li><a href="/documents/Modern-Slavery-Statement-2024.pdf">Our modern slavery statement 2024 '
        '(PDF, 2 KB)</a></li><li><a href="/documents/price-list.pdf">Price list (PDF)</a></li></ul></main>\n'
        '<footer><a href="/privacy/">Privacy</a></footer></body></html>\n',
    )
    write(
        HERE / "sites/www.teasel-packaging.example/documents/Modern-Slavery-Statement-2024.pdf",
        pdf("Teasel Packaging Limited: modern slavery statement 2024.", "We audited our board suppliers."),
    )
    write(HERE / "sites/www.merlin-software.example/robots.txt", "User-agent: *\nDisallow: /private/\n")
    write(HERE / "sites/www.merlin-software.example/private/msa-2024.pdf", pdf("Merlin Software statement."))


def main() -> None:
    for name in ("registry", "sites"):
        shutil.rmtree(HERE / name, ignore_errors=True)
    uk_2020()
    uk_2024()
    au()
    sites()


if __name__ == "__main__":
    main()
