"""Metadata patterns: reporting period, approval, signatory (fictional text)."""

from __future__ import annotations

from extract.metadata import iso_date, reporting_period, signatory
from extract.structures import Block, Page


def test_iso_dates_as_written():
    assert iso_date("28 April 2021") == "2021-04-28"
    assert iso_date("April 28, 2021") == "2021-04-28"
    assert iso_date("14/05/2024") == "2024-05-14"
    assert iso_date("31 February 2021") is None


def test_reporting_period_range_and_year_end():
    period = reporting_period("covering the reporting period 1 July 2022 to 30 June 2023 for the group")
    assert period["start"] == "2022-07-01" and period["end"] == "2023-06-30"
    assert reporting_period("for the financial year ended 31 December 2023.")["end"] == "2023-12-31"
    assert reporting_period("nothing here") is None


def test_signatory_name_then_role():
    blocks = (
        Block("paragraph", "Signed", 0, 6),
        Block("paragraph", "Jane Okafor", 8, 19),
        Block("paragraph", "Chief Executive Officer", 21, 44),
    )
    page = Page(2, "Signed\n\nJane Okafor\n\nChief Executive Officer", blocks)
    assert signatory([page]) == {"name": "Jane Okafor", "role": "Chief Executive Officer"}
