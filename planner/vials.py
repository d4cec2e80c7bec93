"""Open-vial bookkeeping: which vials a route needs, where each is opened, what is wasted.

Rule (the same in the checker): doses for a stop are drawn at its service start, in visit
order. A vial is opened when a dose is needed and no open vial is usable; it is discarded when
empty, when its hours after opening have passed, or at the end of the day; what is left in it
then is wasted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.settings import Product


@dataclass
class Vial:
    """One vial of a route: when and at which stop it was opened, when it expires, its doses
    and the stops (by seq) it served."""

    number: int
    opened_at_s: int
    opened_at_seq: int
    expires_at_s: int
    size: int
    drawn: int = 0
    stops: list[int] = field(default_factory=list)

    @property
    def wasted(self) -> int:
        """Doses left in the vial when it is discarded."""
        return self.size - self.drawn


def simulate(stops: Iterable[tuple[int, int, int]], product: Product) -> list[Vial]:
    """``stops``: (seq, service start in seconds, doses). Returns the vials in opening order."""
    vials: list[Vial] = []
    life = round(product.hours_after_opening * 3600)
    for seq, start_s, doses in stops:
        need = doses
        while need > 0:
            current = vials[-1] if vials else None
            if current is None or current.drawn >= current.size or start_s > current.expires_at_s:
                current = Vial(len(vials) + 1, start_s, seq, start_s + life, product.doses_per_vial)
                vials.append(current)
            take = min(need, current.size - current.drawn)
            current.drawn += take
            need -= take
            if seq not in current.stops:
                current.stops.append(seq)
    return vials


def route_waste(doses: Sequence[tuple[int, int]], product: Product) -> int:
    """Wasted doses of a route given (service start, doses) per stop in visit order."""
    return sum(
        v.wasted for v in simulate(((k, s, d) for k, (s, d) in enumerate(doses, 1)), product)
    )


def products_json(products: Mapping[str, Product]) -> dict[str, Any]:
    """The products as plan.json's parameters record them, for the checker to recompute waste."""
    return {
        name: {
            "doses_per_vial": p.doses_per_vial,
            "hours_after_opening": p.hours_after_opening,
            **(
                {"min_interval_days": {str(k): v for k, v in p.min_interval_days.items()}}
                if p.min_interval_days
                else {}
            ),
        }
        for name, p in products.items()
    }
