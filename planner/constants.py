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

import datetime as dt

#: Viet Nam's time (UTC+7, no daylight saving): every date and time the product shows or plans
VN_TZ = dt.timezone(dt.timedelta(hours=7))
UTC_OFFSET = "+07:00"

MAX_DAY_SECONDS = 24 * 3600
#: cost units per unit of priority for leaving a resident out (> MAX_DAY_SECONDS).
PRIORITY_COST = 100_000
#: priority values are scaled by this before rounding to integers (two decimals kept).
PRIORITY_RESOLUTION = 100
EARTH_RADIUS_M = 6_371_008.8
#: travel time and distance standing for "no road path" (a leg no route can take: more than
#: any horizon), so the solver never plans it and the diagnosis can name it.
UNREACHABLE_S = 100 * MAX_DAY_SECONDS
UNREACHABLE_M = 100_000_000
