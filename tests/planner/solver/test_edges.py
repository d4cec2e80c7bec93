"""The edge pass's time (planner/solver/edges.py): it re-solves only the areas whose tasks fit
in the time left, counting each task's overhead, the most offered priority first."""

from __future__ import annotations

from planner.solver.edges import EDGE_TASK_MIN_S, TASK_OVERHEAD_S, _fitting_targets


def test_the_pass_takes_the_areas_that_fit_most_priority_first() -> None:
    weight = [1.0] * 100 + [5.0] * 10
    offered = {k: [k] for k in range(50)}  # fifty areas offered one stop each, weight 1
    offered[7] = [100, 101]  # two heavy stops: the most priority
    offered[30] = [102]
    left = 18.0  # the reserve of a 180 s plan
    targets, budget = _fitting_targets(offered, weight, 1, left)
    per_task = EDGE_TASK_MIN_S + TASK_OVERHEAD_S
    assert len(targets) == int(left // per_task) == 5
    assert 7 in targets and 30 in targets  # most offered priority first
    assert targets == sorted(targets)
    # the tasks' search and their overhead together stay within what is left
    assert budget + TASK_OVERHEAD_S * len(targets) <= left + 1e-9 and budget >= 1.0
    two, budget2 = _fitting_targets(offered, weight, 2, left)
    assert len(two) == 10 and budget2 == left - TASK_OVERHEAD_S * 5
    few = {3: [3], 4: [4]}
    assert _fitting_targets(few, weight, 2, left)[0] == [3, 4]  # all fit: all taken
