"""Travel times on the road network of an OpenStreetMap extract, offline.

``osm`` reads the extract into a ``graph``; ``snap`` attaches doors and stations to the nearest
usable road; ``shortest`` runs the many-to-many searches; ``network`` is the back-end
(:class:`RoadTravel`) with its disk cache, and ``road_travel`` builds it for a plan's teams and
points, checking that every station is near a usable road.
"""

from planner.travel.roads.network import RoadTravel, clip_box, file_sha256, road_travel

__all__ = ["RoadTravel", "clip_box", "file_sha256", "road_travel"]
