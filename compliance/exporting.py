"""CSV for downloads (API exports and admin lists): streamed in chunks, and safe to open in
a spreadsheet (a cell that could run as a formula is prefixed with ', as in report CSVs)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

# A spreadsheet may run a cell as a formula (or a DDE command) when it starts with one of
# "=+-@|", or with whitespace, a control character or a separator before one of them
# (" =", "\n=", ";="): every cell starting with any of these is prefixed with '.
FORMULA_START = (
    *"=+-@|;,",
    *map(chr, range(0x21)),  # control characters and the space
    *map(chr, range(0x7F, 0xA1)),  # more control characters, the no-break space
    *map(chr, range(0x2000, 0x2010)),  # Unicode spaces, zero-width and direction marks
    *map(chr, range(0x2028, 0x2030)),
    *"\u1680\u180e\u205f\u2060\u3000\ufeff",
)
_STARTS = frozenset(FORMULA_START)


def cell(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value) if isinstance(value, dict | list) else str(value)
    return "'" + text if text[:1] in _STARTS else text


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def download(lines: Iterator[str], name: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
