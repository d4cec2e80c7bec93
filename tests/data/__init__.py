"""The small files the tests read, shipped in the repository so that a clone runs the whole
suite on its own (tests/data/README.md says where each file comes from, under which licence,
and how to make it again); ``../shared`` is for the benchmarks only."""

from pathlib import Path

DATA = Path(__file__).resolve().parent
#: the roads of a Hà Nội extract (Đống Đa / Ba Đình, about 1.3 × 0.8 km), OSM XML
HANOI_OSM = DATA / "osm" / "hanoi_dong_da_roads.osm"
#: the roads of a TP Hồ Chí Minh extract (Quận 5, about 1.2 × 0.6 km), PBF
HCMC_PBF = DATA / "osm" / "hcmc_district5_roads.osm.pbf"
#: three Solomon VRPTW instances (C101, R101, RC101) and their best-known rows (bks.csv)
SOLOMON = DATA / "solomon"
