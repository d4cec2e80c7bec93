"""A generator of city-like home-vaccination scenarios for benchmarks.

Clustered residents in hamlets around ward health stations, households of one to three,
ages, chronic conditions, dose histories (most due, some not yet), a few availability windows,
doctor-only screenings, and teams (some without a doctor) whose capacity is shorter than the
demand. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random

from planner.model import Resident, Team

START = dt.date(2026, 11, 23)
CENTRE = (22.147, 105.834)


def _jitter(rng: random.Random, at: tuple[float, float], km: float) -> tuple[float, float]:
    return (at[0] + rng.gauss(0, km) / 111.0, at[1] + rng.gauss(0, km) / 103.0)


def scenario(
    residents: int, teams: int, seed: int = 1, wards: int = 8
) -> tuple[list[Resident], list[Team]]:
    rng = random.Random(seed)
    stations = [_jitter(rng, CENTRE, 3.0) for _ in range(wards)]
    hamlets = [
        (w, _jitter(rng, stations[w], 1.2)) for w in range(wards) for _ in range(rng.randint(3, 6))
    ]
    people: list[Resident] = []
    household = 0
    while len(people) < residents:
        household += 1
        ward, hamlet = rng.choice(hamlets)
        spot = _jitter(rng, hamlet, 0.25)
        window = rng.choices(
            [(None, None), (7 * 3600 + 1800, 11 * 3600), (13 * 3600 + 1800, 16 * 3600 + 1800)],
            [88, 6, 6],
        )[0]
        for _ in range(min(residents - len(people), rng.choices([1, 2, 3], [60, 30, 10])[0])):
            age = rng.randint(50, 95)
            conditions = tuple(
                rng.sample(
                    ["hypertension", "diabetes", "copd", "heart_failure", "ckd"],
                    rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0],
                )
            )
            doses = rng.choices([0, 1, 2], [40, 35, 25])[0]
            last = None
            if doses:
                gap = {1: 28, 2: 90}[doses]
                last = START - dt.timedelta(days=rng.randint(gap - 10, gap + 60))
            people.append(
                Resident(
                    f"R{len(people) + 1:05d}",
                    spot[0],
                    spot[1],
                    household_id=f"H{household:05d}",
                    ward=f"W{ward + 1}",
                    age=age,
                    conditions=conditions,
                    doses_received=doses,
                    last_dose_date=last,
                    available_from_s=window[0],
                    available_to_s=window[1],
                    needs_doctor=age >= 75 and "heart_failure" in conditions,
                )
            )
    crews = [
        Team(
            f"T{k + 1:02d}",
            *_jitter(rng, stations[k % wards], 0.2),
            has_doctor=k % 4 != 3,
            max_doses=40,
        )
        for k in range(teams)
    ]
    return people, crews
