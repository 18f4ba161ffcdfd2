"""``POST /extension/{extension_id}/ivr/simulate``."""

from __future__ import annotations

from fastapi import APIRouter

from ivrd.api.deps import DbDep, PrincipalDep
from ivrd.config.simulate import service
from ivrd.config.simulate.schemas import SimulationAnswer, SimulationRequest

router = APIRouter(tags=["ivr"])


@router.post(
    "/extension/{extension_id}/ivr/simulate",
    response_model=SimulationAnswer,
    summary="Run the stored menu in the simulator (virtual time)",
)
def simulate_call(
    extension_id: str, body: SimulationRequest, db: DbDep, principal: PrincipalDep
) -> SimulationAnswer:
    return service.run_simulation(db, principal, extension_id, body)
