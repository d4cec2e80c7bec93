"""Scaling constants at the OR-Tools boundary, in one place.

OR-Tools works on 64-bit integers. VaxRoute hands it:

* times in whole **seconds**, travel times rounded *up* (a plan that is feasible in integers is
  then feasible in real time);
* distances in whole **metres**, rounded up;
* penalties and costs in "cost units", where one cost unit is one second of travel.

The penalty for leaving a resident out is ``PRIORITY_COST * priority`` cost units. It must dominate
any travel a team could save by dropping that resident (a day is at most ``MAX_DAY_SECONDS`` of
travel), so coverage always comes before travel, and a higher-priority resident always beats a
lower-priority one when both cannot be served.
"""

from __future__ import annotations

TIMEZONE = "Asia/Ho_Chi_Minh"
UTC_OFFSET = "+07:00"

MAX_DAY_SECONDS = 24 * 3600
#: cost units per unit of priority for leaving a resident out (> MAX_DAY_SECONDS).
PRIORITY_COST = 100_000
#: priority values are scaled by this before rounding to integers (two decimals kept).
PRIORITY_RESOLUTION = 100
#: households within this distance of each other (metres) with no household_id are one stop.
SAME_SPOT_METRES = 5.0
#: how far the start of a lunch break may slide after its nominal start (seconds).
DEFAULT_BREAK_SLACK_S = 3600
EARTH_RADIUS_M = 6_371_008.8
#: travel time and distance standing for "no road path" (a leg no route can take: more than
#: any horizon), so the solver never plans it and the diagnosis can name it.
UNREACHABLE_S = 100 * MAX_DAY_SECONDS
UNREACHABLE_M = 100_000_000
