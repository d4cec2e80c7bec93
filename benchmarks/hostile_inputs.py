"""Hostile and unlucky inputs against a live `vaxroute serve` on loopback (issue: hardening).

    python benchmarks/hostile_inputs.py [--keep DIR]

Generates each file (duplicate ids, 200,000 columns, an XLSX zip bomb, a 50 MB body with and
without a token, NUL bytes, non-finite and huge numbers, over-long strings, formula cells, a
visit with lat 1e999 and one dated 2099), posts it to a fresh server and SQLite file, and prints
per input: HTTP status, seconds, the server's peak RSS while it was handled, and whether the
stored residents, teams, plans and visits changed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sqlite3
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.demo import demo_files
from tests.api.live import LiveServer, make_token, start_server

HEADER = "resident_id,full_name,lat,lon,ward,address,phone\n"


def _row(rid: str, **cells: str) -> str:
    values = {
        "full_name": "A",
        "lat": "21.03",
        "lon": "105.85",
        "ward": "W",
        "address": "x",
        "phone": "0912000000",
        **cells,
    }
    return ",".join([rid, *(values[k] for k in HEADER.strip().split(",")[1:])]) + "\n"


def duplicate_ids() -> bytes:
    return (HEADER + _row("SAME") * 10_000).encode()


def many_columns() -> bytes:
    header = ",".join(f"c{i}" for i in range(200_000))
    return (header + "\n" + ",".join("1" for _ in range(200_000)) + "\n").encode()


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_bomb() -> bytes:
    """A valid residents workbook whose one sheet inflates to 250,000 rows from a few hundred
    KB: over the default row limit (input.max_rows, 200,000)."""
    header = (
        '<row r="1">'
        + _cell("A1", "resident_id")
        + _cell("B1", "lat")
        + _cell("C1", "lon")
        + "</row>"
    )
    rows = header + "".join(
        f'<row r="{i}">{_cell(f"A{i}", f"R{i}")}<c r="B{i}"><v>21.03</v></c>'
        f'<c r="C{i}"><v>105.85</v></c></row>'
        for i in range(2, 250_002)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        f'formats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument'
        '/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas'
        '.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


BOUNDARY = "vaxroute-hostile-boundary"


def big_body() -> Iterator[bytes]:
    """A 50 MB multipart upload of CSV rows, streamed in chunks without a Content-Length
    (chunked encoding): only a limit checked while the body arrives can stop it early."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n{HEADER}'
    ).encode()
    chunk = (_row("R") * 20_000).encode()
    sent = 0
    while sent < 50 * 1024 * 1024:
        yield chunk
        sent += len(chunk)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def nul_bytes() -> bytes:
    return (HEADER + _row("R\x00001") + _row("R2", address="ng\x00õ 5")).encode()


def huge_numbers() -> bytes:
    return (
        HEADER + _row("R1", lat="1e999") + _row("R2", lon="nan") + _row("R3", lat="-inf")
    ).encode()


def long_strings() -> bytes:
    return (
        HEADER + _row("R" * 101) + _row("R2", ward="W" * 201) + _row("R3", address="A" * 100_000)
    ).encode()


def formula_cells() -> bytes:
    return (
        HEADER
        + _row("=1+1", address='=HYPERLINK("http://x.example")')
        + _row("@R2", ward="-W", phone="+84 912 000 001")
    ).encode()


@dataclass
class Case:
    name: str
    send: Callable[[httpx.Client, dict[str, str]], httpx.Response]


def _upload(name: str, body: Callable[[], bytes], kind: str = "residents") -> Case:
    def send(c: httpx.Client, h: dict[str, str]) -> httpx.Response:
        return c.post(f"/{kind}/imports", headers=h, files={"file": (name, body(), "text/csv")})

    return Case(name, send)


def _streamed(anonymous: bool) -> Case:
    def send(c: httpx.Client, h: dict[str, str]) -> httpx.Response:
        headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"} | (
            {} if anonymous else h
        )
        return c.post("/residents/imports", headers=headers, content=big_body())

    return Case("50 MB body, " + ("no token" if anonymous else "planner token"), send)


def _visit(name: str, **fields: object) -> Case:
    def send(c: httpx.Client, h: dict[str, str]) -> httpx.Response:
        body = {
            "resident_id": "X",
            "plan_id": 1,
            "outcome": "vaccinated",
            "at": "2026-11-24T09:00:00+07:00",
            "idempotency_key": "hostile-0001",
            **fields,
        }
        raw = httpx.Request("POST", "/", json=body).content.replace(b'"LAT"', b"1e999")
        return c.post("/visits", headers=h | {"content-type": "application/json"}, content=raw)

    return Case(name, send)


CASES = [
    _upload("duplicate ids (10,000 rows)", duplicate_ids),
    _upload("200,000 columns", many_columns),
    _upload("XLSX bomb.xlsx", xlsx_bomb),
    _streamed(anonymous=False),
    _streamed(anonymous=True),
    _upload("NUL bytes", nul_bytes),
    _upload("non-finite numbers", huge_numbers),
    _upload("over-long strings", long_strings),
    _upload("formula cells", formula_cells),
    _visit("visit with lat 1e999", lat="LAT"),
    _visit("visit dated 2099", at="2099-01-01T09:00:00+07:00"),
]


def stored_digest(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = [
            db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("residents", "teams", "plans", "visits")
        ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class PeakRss:
    """Samples a process's resident set every 10 ms while a request is handled."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0, False

    def _rss(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def __enter__(self) -> PeakRss:
        self.running, self.peak = True, self._rss()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def _loop(self) -> None:
        while self.running:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.01)

    def __exit__(self, *_: object) -> None:
        self.running = False
        self.thread.join()


def run(server: LiveServer, db: Path, token: str) -> list[tuple[str, int, float, int, bool]]:
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    with httpx.Client(base_url=server.url, timeout=120) as client:
        for case in CASES:
            before = stored_digest(db)
            with PeakRss(server.process.pid) as rss:
                began = time.perf_counter()
                try:
                    status = case.send(client, headers).status_code
                except httpx.HTTPError:  # the server closed a body it refused to read
                    status = -1
                seconds = time.perf_counter() - began
            results.append((case.name, status, seconds, rss.peak, stored_digest(db) != before))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the database and log in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="vaxroute-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "hostile.sqlite"
    server = start_server(f"sqlite:///{db}", folder / "server.log")
    try:
        token = make_token(server.env, "planner")
        files = demo_files()
        with httpx.Client(
            base_url=server.url, timeout=120, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            for kind, path in (("teams", files.teams), ("residents", files.residents)):
                r = c.post(f"/{kind}/imports", files={"file": (path.name, path.read_bytes())})
                assert r.status_code == 201, r.text[:300]
        rows = run(server, db, token)
    finally:
        server.stop()
    print("| input | status | seconds | peak server RSS | stored data changed |")
    print("|---|---|---|---|---|")
    for name, status, seconds, peak, changed in rows:
        shown = "connection closed" if status == -1 else str(status)
        print(
            f"| {name} | {shown} | {seconds:.2f} | {peak / 2**20:.0f} MB | "
            f"{'yes' if changed else 'no'} |"
        )


if __name__ == "__main__":
    main()
