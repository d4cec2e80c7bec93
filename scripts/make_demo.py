"""Generate the built-in demo scenario (run once; the output is committed).

    python scripts/make_demo.py

Bắc Kạn city: 6 wards and 2 rural communes. Health-station positions are hand-placed
approximations near each unit's centre; residents are generated in hamlet-like clusters around
them, with households, ages, chronic conditions, dose histories and a few refusals,
contraindications and not-yet-due residents. Nothing describes a real person. Ward areas are
Voronoi cells around the stations, clipped to a box, and labelled approximate.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, box, mapping

OUT = Path(__file__).resolve().parents[1] / "planner" / "demo" / "data"
START = dt.date(2026, 11, 23)
SEED = 20261123

# name, kind, approximate station (lat, lon), hamlet spread (km), residents
UNITS = [
    ("Đức Xuân", "phường", (22.1432, 105.8430), 0.9, 72),
    ("Nguyễn Thị Minh Khai", "phường", (22.1640, 105.8452), 0.6, 48),
    ("Sông Cầu", "phường", (22.1470, 105.8200), 0.9, 66),
    ("Phùng Chí Kiên", "phường", (22.1350, 105.8320), 0.8, 50),
    ("Huyền Tụng", "phường", (22.1730, 105.8370), 1.8, 44),
    ("Xuất Hóa", "phường", (22.0990, 105.8790), 2.2, 34),
    ("Dương Quang", "xã", (22.1680, 105.8050), 2.0, 36),
    ("Nông Thượng", "xã", (22.1150, 105.8230), 2.0, 36),
]
# team id, unit index, has doctor, travel mode, max doses, shift
TEAMS = [
    ("DX", 0, True, "motorbike", 60, ("07:30", "16:30")),
    ("SC", 2, True, "motorbike", 60, ("07:30", "16:30")),
    ("PCK", 3, False, "motorbike", 40, ("07:30", "16:30")),
    ("HT", 4, True, "motorbike", 50, ("07:00", "16:00")),
    ("XH", 5, True, "car", 60, ("07:30", "16:30")),
    ("DQ", 6, False, "motorbike", 40, ("07:30", "16:30")),
    ("NT", 7, True, "motorbike", 50, ("07:00", "16:00")),
]
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Hoàng",
    "Nông",
    "Hà",
    "Triệu",
    "Lường",
    "Ma",
    "Phạm",
    "Đinh",
    "Lục",
    "Bế",
    "Vi",
    "Dương",
]
MIDDLE_M = ["Văn", "Đức", "Quang", "Minh", "Hữu"]
MIDDLE_F = ["Thị", "Thị", "Ngọc", "Thu", "Minh"]
GIVEN = [
    "An",
    "Bình",
    "Chiến",
    "Dũng",
    "Hà",
    "Hạnh",
    "Hùng",
    "Hương",
    "Lan",
    "Liên",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quý",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thảo",
    "Tuấn",
    "Vân",
    "Xuân",
    "Yến",
]
CONDITIONS = ["hypertension", "diabetes", "copd", "heart_failure", "ckd", "stroke", "cancer"]


def _offset(rng: random.Random, centre: tuple[float, float], km: float) -> tuple[float, float]:
    return (centre[0] + rng.gauss(0, km) / 111.0, centre[1] + rng.gauss(0, km) / 103.0)


def _person(rng: random.Random) -> dict[str, object]:
    age = rng.choice(
        [rng.randint(50, 64), rng.randint(65, 79), rng.randint(80, 97), rng.randint(38, 49)]
    )
    n_cond = rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0] if age >= 50 else rng.randint(1, 2)
    conditions = rng.sample(CONDITIONS, n_cond)
    female = rng.random() < 0.55
    name = (
        f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F if female else MIDDLE_M)} {rng.choice(GIVEN)}"
    )
    doses = rng.choices([0, 1, 2, 3], [30, 30, 30, 10])[0]
    last = None
    if doses:
        # most are overdue; about one in ten had a dose too recently to be due this week
        interval = {1: 28, 2: 90, 3: 120}[doses]  # the default DoseParams table
        days_ago = rng.randint(5, 20) if rng.random() < 0.10 else interval + rng.randint(0, 90)
        last = START - dt.timedelta(days=days_ago)
    status = rng.choices(
        ["eligible", "refused", "contraindicated", "postponed", "vaccinated"], [91, 3, 2, 2, 2]
    )[0]
    return {
        "full_name": name,
        "birth_year": START.year - age,
        "conditions": ";".join(conditions),
        "doses_received": doses,
        "last_dose_date": last.strftime("%d/%m/%Y") if last else "",
        "status": status,
        "needs_doctor": "có"
        if (age >= 65 and ({"heart_failure", "stroke"} & set(conditions) or n_cond >= 3))
        else "không",
    }


def residents(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for u, (ward, kind, station, spread, count) in enumerate(UNITS):
        hamlets = [_offset(rng, station, spread) for _ in range(rng.randint(3, 5))]
        made, household = 0, 0
        while made < count:
            household += 1
            group = rng.randint(1, 8)
            spot = _offset(rng, hamlets[household % len(hamlets)], 0.25)
            size = min(count - made, rng.choices([1, 2, 3], [60, 30, 10])[0])
            window = rng.choices([("", ""), ("07:30", "11:00"), ("13:30", "16:30")], [85, 8, 7])[0]
            for k in range(size):
                made += 1
                rid = f"{ward_code(u)}-{made:03d}"
                row = {
                    "resident_id": rid,
                    "household_id": f"{ward_code(u)}-H{household:03d}",
                    "lat": round(spot[0], 6),
                    "lon": round(spot[1], 6),
                    "address": f"{'Tổ' if kind == 'phường' else 'Thôn'} {group}, {kind} {ward}",
                    "ward": ward,
                    "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                    "available_from": window[0],
                    "available_to": window[1],
                    **_person(rng),
                }
                if k and rng.random() < 0.5:
                    row["phone"] = ""  # one phone per household is typical
                rows.append(row)
    return rows


def ward_code(u: int) -> str:
    return ["DX", "MK", "SC", "PCK", "HT", "XH", "DQ", "NT"][u]


def write_csv(path: Path, rows: list[dict[str, object]], columns: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def wards_geojson() -> dict[str, object]:
    pts = [shapely.Point(lon, lat) for _, _, (lat, lon), _, _ in UNITS]
    frame = box(105.77, 22.05, 105.93, 22.22)
    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=frame)
    features = []
    for (ward, kind, _, _, _), pt in zip(UNITS, pts, strict=True):
        cell = next(c for c in cells.geoms if c.contains(pt)).intersection(frame)
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(shapely.set_precision(cell, 1e-5)),
                "properties": {
                    "ward": ward,
                    "kind": kind,
                    "approximate": True,
                    "source": "Voronoi cell around the health station "
                    "(generated, not an official boundary)",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    cols = [
        "resident_id",
        "full_name",
        "household_id",
        "lat",
        "lon",
        "address",
        "ward",
        "birth_year",
        "conditions",
        "doses_received",
        "last_dose_date",
        "status",
        "available_from",
        "available_to",
        "needs_doctor",
        "phone",
    ]
    people = residents(rng)
    write_csv(OUT / "residents.csv", people, cols)
    teams = []
    for tid, u, doctor, mode, doses, (s0, s1) in TEAMS:
        ward, kind, (lat, lon), _, _ = UNITS[u]
        teams.append(
            {
                "team_id": tid,
                "name": f"Trạm Y tế {kind} {ward}",
                "depot_lat": lat,
                "depot_lon": lon,
                "shift_start": s0,
                "shift_end": s1,
                "break_start": "11:30",
                "break_minutes": 60,
                "travel_mode": mode,
                "has_doctor": "true" if doctor else "false",
                "max_doses": doses,
            }
        )
    write_csv(OUT / "teams.csv", teams, list(teams[0]))
    (OUT / "wards_approx.geojson").write_text(
        json.dumps(wards_geojson(), ensure_ascii=False), encoding="utf-8"
    )
    print(f"wrote {len(people)} residents and {len(teams)} teams to {OUT}")


if __name__ == "__main__":
    main()
