"""What became of a visit: every outcome code once, with its vi/en labels and its colour.

A team leader's tablet posts one of these codes per resident (``POST /visits``); the daily
report counts them in this order, the console's board and report show their labels and
colours. ``tests/api/pages/test_board_outcomes.py`` checks that each code has both labels and
a colour, that the API accepts exactly these codes, and that the console's stylesheet paints
them so.

The colours are those OpenSRP's Reveal shows field teams for a task's status (onaio/
reveal-frontend ``src/colors.tsx`` and ``src/helpers/structureColorMaps.tsx``; opensrp/
opensrp-client-reveal ``res/values/colors.xml``): yellow *Not Visited*, green *Complete*, red
*Refused* / *Not Sprayed*, orange for a task partly done, black *Not Eligible*. Each colour
comes with the ink its label is written in (contrast 4.5:1 or more), and a label always goes
with it: colour is never the only cue.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

#: what the API accepts as a visit's outcome (api/schemas.py), in the report's column order
OutcomeCode = Literal["vaccinated", "refused", "not_at_home", "contraindicated", "postponed"]
OUTCOME_CODES: tuple[str, ...] = get_args(OutcomeCode)

#: the board's state of a planned resident with no outcome recorded yet on the day
NOT_VISITED = "not_visited"


class OutcomeKind(NamedTuple):
    label_en: str
    label_vi: str
    colour: str  # the fill, as Reveal shows the status
    ink: str  # the text on that fill
    reveal: str  # the Reveal status whose colour it takes (for the docs and reviewers)


OUTCOMES: dict[str, OutcomeKind] = {
    "vaccinated": OutcomeKind("Vaccinated", "Đã tiêm", "#68BB0C", "#1B1F24", "Complete"),
    "refused": OutcomeKind("Refused", "Từ chối", "#F12525", "#000000", "Refused"),
    # visited, nobody to vaccinate: the team comes back (Reveal's orange: partly done)
    "not_at_home": OutcomeKind(
        "Not at home", "Không có nhà", "#FF851B", "#1B1F24", "Partially Sprayed"
    ),
    "contraindicated": OutcomeKind(
        "Contraindicated", "Chống chỉ định", "#171717", "#FFFFFF", "Not Eligible"
    ),
    "postponed": OutcomeKind("Postponed", "Hoãn", "#FF851B", "#1B1F24", "Partially Sprayed"),
}

#: the board's colour for a planned resident not visited yet
NOT_VISITED_KIND = OutcomeKind("Not visited", "Chưa đến", "#FFCA16", "#1B1F24", "Not Visited")

#: every state a stop on the board can show: not visited, then the outcomes
BOARD_STATES: dict[str, OutcomeKind] = {NOT_VISITED: NOT_VISITED_KIND, **OUTCOMES}


def outcome_label(code: str, lang: str) -> str:
    """The label of ``code`` (an outcome or ``not_visited``) in ``lang``; unknown: as is."""
    kind = BOARD_STATES.get(code)
    if kind is None:
        return code
    return kind.label_vi if lang == "vi" else kind.label_en
