"""Travel times between points, from one interface with several back-ends.

``base``: the interface (:class:`TravelModel`) and its values; ``straight``: straight lines
(the default); ``roads``: the road network of an OpenStreetMap extract, offline; ``osrm``: an
OSRM routing server; ``choose``: which one a plan uses.
"""

from planner.travel.base import Leg, Pairs, TravelMatrix, TravelModel, legs_from_matrix
from planner.travel.choose import make_travel, travel_model_from_description
from planner.travel.straight import StraightLineTravel

__all__ = [
    "Leg",
    "Pairs",
    "StraightLineTravel",
    "TravelMatrix",
    "TravelModel",
    "legs_from_matrix",
    "make_travel",
    "travel_model_from_description",
]
