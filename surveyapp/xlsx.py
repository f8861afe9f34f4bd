"""Workbooks for the exports, written by XlsxWriter in constant-memory mode.

Why XlsxWriter: openpyxl's write-only mode built a cell object and an XML element for
every cell, empty ones too, and took 105 s for 100,000 responses (bench/README.md).
XlsxWriter in ``constant_memory`` mode writes each row to a temporary file as soon as the
next row starts, and a cell left empty costs nothing, so memory stays flat however many
rows there are and the same export takes a few seconds.

Every string is written as a string, never a formula, a number or a link (the workbook's
options below), on top of the formula neutralising the callers already do
(surveyapp.themes.classify.safe_cell). The finished workbook is a temporary file, handed
back rewound, for the route to stream (flask.send_file) and close.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Nothing a cell holds is ever turned into a formula, a number or a hyperlink.
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
           "strings_to_urls": False}

Sheet = tuple[str, Iterable[list[Any]]]  # (sheet name, rows: the header first)


def workbook(sheets: Iterable[Sheet]) -> IO[bytes]:
    """A temporary file holding the workbook, rewound. Rows are read once, in order;
    empty cells ("" or None) are left out."""
    import xlsxwriter

    out = tempfile.TemporaryFile(prefix="surveyapp-export-", suffix=".xlsx")
    try:
        book = xlsxwriter.Workbook(out, OPTIONS)
        for name, rows in sheets:
            sheet = book.add_worksheet(name)
            write_string, write_number = sheet.write_string, sheet.write_number
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        write_string(r, c, value)
                    elif isinstance(value, int | float) and not isinstance(value, bool):
                        write_number(r, c, value)
                    else:
                        write_string(r, c, str(value))
        book.close()
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
