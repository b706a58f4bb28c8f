"""Writes catl-suppliers.xlsx, the README's example workbook: a supplier list laid out as published
lists are (a title and a note above the header, an empty first column, one sheet a year, places as
city, province and country columns). The firms are made up; CATL is the bundled graph's.

    python examples/sheets/make_workbook.py
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEADER = ["Supplier", "Buyer", "Product", "Since", "City", "Province", "Country"]
YEARS = {
    "2022": [
        ["Minjiang Cathode Materials Co., Ltd.", "CATL", "LFP cathode", 2019, "Ningde", "Fujian", "China"],
        ["Jiangnan Electrolyte Co., Ltd.", "CATL", "electrolyte", 2020, "Suzhou", "Jiangsu", "China"],
        ["Lingnan Separator Technology", "CATL", "separator", 2021, "Shenzhen", "Guangdong", "China"],
    ],
    "2023": [
        ["Minjiang Cathode Materials Co., Ltd.", "CATL", "LFP cathode", 2019, "Ningde", "Fujian", "China"],
        ["JIANGNAN ELECTROLYTE CO LTD", "CATL", "electrolyte", 2020, "Suzhou", "Jiangsu", "China"],
        ["Lingnan Separator Technology", "CATL", "separator", 2021, "Shenzhen", "Guangdong", "China"],
        ["Mekong Copper Foil JSC", "CATL", "copper foil", 2023, "Bac Ninh", "", "Viet Nam"],
    ],
}


def main() -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for year, rows in YEARS.items():
        sheet = book.create_sheet(year)
        sheet["B1"] = f"Suppliers of CATL, {year} (made-up firms, for the README)"
        sheet.merge_cells("B1:H1")
        sheet["B2"] = "Laid out as published supplier lists are: title rows above the header."
        sheet.append([])
        sheet.append([None, *HEADER])
        for row in rows:
            sheet.append([None, *row])
    book.save(Path(__file__).with_name("catl-suppliers.xlsx"))


if __name__ == "__main__":
    main()
