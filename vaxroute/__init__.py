"""The ``vaxroute`` command: the composition root that joins the planner, the maps and the API.

The planner (``planner/``) knows nothing of the maps, the API or this package; the maps know
nothing of the API; only this package sees them all (tests/test_layers.py checks it).
"""
