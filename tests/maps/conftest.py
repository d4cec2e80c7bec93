from __future__ import annotations

from typing import Any

import pytest

from planner.model import Resident, Team
from tests.helpers import around, plan_and_check, resident, team

FULL_NAMES = [
    "Nguyễn Văn Bảy",
    "Trần Thị Cúc",
    "Lê Hoàng Dũng",
    "Phạm Thị Én",
    "Vũ Đức Giang",
    "Đặng Thu Hà",
    "Bùi Quang Khải",
    "Hồ Thị Lan",
    "Ngô Minh Mẫn",
    "Dương Văn Nam",
    "Lý Thị Oanh",
    "Mai Xuân Phong",
]
CONDITION = "suy tim mạn tính"


@pytest.fixture(scope="session")
def scenario() -> tuple[dict[str, Any], dict[str, Resident], list[Team]]:
    people = [
        resident(
            f"BK-{k:03d}",
            around(k, len(FULL_NAMES), 800),
            full_name=name,
            conditions=(CONDITION,),
            address=f"Tổ {k + 1}, phường Đức Xuân",
            phone=f"0912 000 {k:03d}",
            needs_doctor=(k == 2),
            ward="Đức Xuân",
        )
        for k, name in enumerate(FULL_NAMES)
    ]
    teams = [team("T1", max_doses=3), team("T2", around(5, 10, 300), max_doses=2)]
    plan, _ = plan_and_check(people, teams, days=2, time_limit=1)
    return plan, {p.resident_id: p for p in people}, teams
