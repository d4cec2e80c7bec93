"""Solomon-format VRPTW instances: reading, the independent route checker, exact distances."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from planner.errors import InputError


@dataclass(frozen=True)
class Instance:
    """Node 0 is the depot; customers keep their file numbers 1..n."""

    name: str
    vehicles: int
    capacity: int
    x: np.ndarray
    y: np.ndarray
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray

    @property
    def customers(self) -> int:
        return len(self.x) - 1

    def distance(self, a: int, b: int) -> float:
        return math.hypot(self.x[a] - self.x[b], self.y[a] - self.y[b])


def read_solomon(path: Path | str) -> Instance:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    words = [line.split() for line in lines]
    try:
        v_at = next(i for i, w in enumerate(words) if w[:1] == ["VEHICLE"])
        vehicles, capacity = (
            int(x) for x in next(w for w in words[v_at + 1 :] if w and w[0].isdigit())[:2]
        )
        c_at = next(i for i, w in enumerate(words) if w[:1] == ["CUSTOMER"])
        rows = [
            list(map(float, w[:7])) for w in words[c_at + 1 :] if len(w) >= 7 and w[0].isdigit()
        ]
    except (StopIteration, ValueError) as exc:
        raise InputError(f"{path}: not a Solomon-format instance") from exc
    table = np.array(rows)
    if len(table) < 2 or table[0, 0] != 0:
        raise InputError(f"{path}: the customer table must start with the depot (0)")
    name = (lines[0].strip() or path.stem) if lines else path.stem
    return Instance(name, vehicles, capacity, *(table[:, k] for k in range(1, 7)))


@dataclass
class RouteCheck:
    feasible: bool
    vehicles: int
    distance: float
    violations: list[str] = field(default_factory=list)


def check_routes(inst: Instance, routes: Sequence[Sequence[int]]) -> RouteCheck:
    """Independent check: every customer once, capacity, windows (wait allowed), depot due."""
    problems: list[str] = []
    seen = [c for r in routes for c in r]
    missing = set(range(1, inst.customers + 1)) - set(seen)
    if missing:
        problems.append(f"customers not served: {sorted(missing)[:10]}")
    if len(seen) != len(set(seen)):
        problems.append("a customer is served twice")
    if any(c < 1 or c > inst.customers for c in seen):
        problems.append("unknown customer number")
    used = [r for r in routes if r]
    if len(used) > inst.vehicles:
        problems.append(f"{len(used)} routes, the fleet has {inst.vehicles}")
    total = 0.0
    for k, route in enumerate(used, 1):
        if any(c < 1 or c > inst.customers for c in route):
            continue
        if sum(inst.demand[c] for c in route) > inst.capacity + 1e-9:
            problems.append(f"route {k}: load above capacity {inst.capacity}")
        t, here = float(inst.ready[0]), 0
        for c in [*route, 0]:
            leg = inst.distance(here, c)
            total += leg
            t = max(t + (inst.service[here] if here else 0.0) + leg, float(inst.ready[c]))
            if t > inst.due[c] + 1e-6:
                problems.append(f"route {k}: arrives at {c} at {t:.2f}, due {inst.due[c]:g}")
            here = c
    return RouteCheck(not problems, len(used), total, problems)
