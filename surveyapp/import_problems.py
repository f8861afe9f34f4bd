"""Problems found in an uploaded file, each saying where: shared by every importer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: `row` is 1-based with the header as row 1."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportProblems(ValueError):
    """A file that cannot be used; `problems` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


def decode_csv(data: bytes, max_bytes: int, error: type[ImportProblems]) -> str:
    """An uploaded CSV's text, or `error` saying in plain words why it is not one (too big,
    empty, an Excel workbook, UTF-16, not UTF-8, NUL bytes), with the row where it can."""

    def fail(message: str, row: int | None = None) -> ImportProblems:
        return error([Problem(row, None, message)])

    if len(data) > max_bytes:
        raise fail(f"The file must be {max_bytes // 1024 // 1024} MB or smaller")
    if not data.strip():
        raise fail("The file is empty")
    if data.startswith(b"PK\x03\x04"):
        raise fail("This is a zip file or an Excel workbook, not a CSV file: open it and "
                   "save it as 'CSV UTF-8 (comma delimited)'")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("The file is UTF-16 text: save it as 'CSV UTF-8 (comma delimited)'")
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (from Excel) is fine
    except UnicodeDecodeError as problem:
        raise fail("This is not UTF-8 text: save the file as 'CSV UTF-8 (comma delimited)'",
                   row=data[:problem.start].count(b"\n") + 1) from problem
    if "\x00" in text:
        raise fail("The file has NUL characters, so it is not a CSV text file",
                   row=text[:text.index("\x00")].count("\n") + 1)
    return text
