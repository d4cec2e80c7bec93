"""Hand edits: ``POST /plans/{id}/edits`` (planners) makes a new draft version re-solved around
the edits and answers with what else moved; ``GET /plans/{id}/edits`` reads that answer again.

The re-solve runs in the solver process like every plan (api/jobs.py); the request waits for
it (an edit's time limit is a few seconds) and answers 201 with the version and what else
moved, or 202 when the queue held it longer (poll ``GET /plans/{id}/edits``). An edit the plan
cannot take (unknown resident or team, a date outside the plan, a position out of range, a
locked route the team cannot drive) is a 422 naming it. The version is a draft until a planner
publishes it (``POST /plans/{id}/publish``), as a re-plan is."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, status
from fastapi.responses import JSONResponse

from api.deps import JobsDep, PlanId, SettingsDep, done_document, get_plan
from api.models import PlanRow
from api.plan_edits import edit_result, queue_edit
from api.routes.plans import QUEUE_FULL, REFUSALS, refused
from api.schemas import ErrorBody
from api.schemas_edits import EditCreate, EditResult
from api.security import PlannerDep, SessionDep

router = APIRouter(prefix="/plans", tags=["edits"])

#: how long the request waits for the re-solve beyond its time limit (queue, model, check)
WAIT_EXTRA_S = 30.0
POLL_S = 0.2


@router.post(
    "/{plan_id}/edits",
    status_code=status.HTTP_201_CREATED,
    response_model=EditResult,
    responses={
        202: {"model": EditResult, "description": "queued: still being solved"},
        404: {"model": ErrorBody, "description": "no such plan"},
        409: {"model": ErrorBody, "description": "the plan is not done"},
        422: {"model": ErrorBody, "description": "an edit the plan cannot take"},
        **QUEUE_FULL,
    },
)
def create_edits(
    plan_id: PlanId,
    session: SessionDep,
    principal: PlannerDep,
    settings: SettingsDep,
    jobs: JobsDep,
    body: Annotated[EditCreate, Body()],
) -> Any:
    """Apply hand edits to a done plan: pin or unpin residents, move a stop to another team,
    day and position, lock or unlock routes. A new draft version of the plan's days is
    re-solved around them (the rest kept where it was unless moving pays: the re-plan's
    change cost); the answer lists the residents who moved, were dropped or newly planned
    although no edit named them. Pins stay for later plans."""
    parent = get_plan(session, plan_id)
    done_document(parent)
    for n, edit in enumerate(body.edits, start=1):
        if edit.kind == "pin" and edit.team_id is None and edit.date is None:
            raise HTTPException(422, f"edit {n}: a pin names a team, a date or both")
    edits = [e.model_dump(mode="json", exclude_none=True) for e in body.edits]
    try:
        row = queue_edit(session, settings, jobs, parent, edits, body.time_limit_s, principal)
    except REFUSALS as exc:
        raise refused(exc) from None
    wait_for(session, row, row.time_limit_s + WAIT_EXTRA_S)
    result = edit_result(session, row)
    assert result is not None
    if row.status == "failed":
        code = 422 if (row.error or "").startswith(("input", "too_large")) else 409
        raise HTTPException(code, f"the edits could not be applied: {row.error}")
    if row.status != "done":
        return JSONResponse(EditResult(**result).model_dump(mode="json"), status_code=202)
    return result


@router.get(
    "/{plan_id}/edits",
    response_model=EditResult,
    responses={404: {"model": ErrorBody, "description": "no such plan, or not made by edits"}},
)
def read_edits(plan_id: PlanId, session: SessionDep, _: PlannerDep) -> dict[str, Any]:
    """The edits that made this version: the residents they named, the routes locked, and
    (once solved) who else moved, was dropped or newly planned."""
    result = edit_result(session, get_plan(session, plan_id))
    if result is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this plan version was not made by edits")
    return result


def wait_for(session: Any, row: PlanRow, seconds: float) -> None:
    """Wait until the solver process finished the version (or ``seconds`` passed)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        session.expire_all()
        fresh = session.get(PlanRow, row.id)
        if fresh is None or fresh.status in ("done", "failed", "cancelled"):
            return
        session.commit()  # end the read transaction: the next look sees the solver's write
        time.sleep(POLL_S)
