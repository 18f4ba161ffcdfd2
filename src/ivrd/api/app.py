"""``create_app()``: the FastAPI application with every resource under ``/api/ver1.0``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from ivrd import __version__
from ivrd.api.errors import install_error_handlers
from ivrd.api.explorer import OPENAPI_PATH, install_explorer
from ivrd.api.normalize import NormalizeRequests
from ivrd.config.auth.router import router as oauth_router
from ivrd.config.callback.router import router as callback_router
from ivrd.config.checks.router import router as checks_router
from ivrd.config.dids.router import router as dids_router
from ivrd.config.events.router import router as events_router
from ivrd.config.extensions.router import router as extensions_router
from ivrd.config.intervals.router import router as intervals_router
from ivrd.config.ivr.router import router as ivr_router
from ivrd.config.menufile.router import router as menufile_router
from ivrd.config.results.router import router as results_router
from ivrd.config.revisions.router import router as revisions_router
from ivrd.config.simulate.router import router as simulate_router
from ivrd.config.sounds.router import router as sounds_router
from ivrd.config.users.router import router as users_router
from ivrd.db.session import Database
from ivrd.settings import Settings

API_PREFIX = "/api/ver1.0"


class Message(BaseModel):
    message: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Message, "description": text}
    for status, text in (
        (400, "Bad request: the message names the field"),
        (401, "Missing, invalid or expired token"),
        (403, "The token's access level does not allow this"),
        (404, "No such object for this client"),
        (409, "Conflict: duplicate, or still referred to"),
    )
}
RESOURCE_ROUTERS = (
    users_router,
    extensions_router,
    callback_router,
    dids_router,
    intervals_router,
    sounds_router,
    simulate_router,
    results_router,
    events_router,
    checks_router,
    ivr_router,
    menufile_router,
    revisions_router,
)


def _openapi(app: FastAPI) -> dict[str, object]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title="ivrd",
            version=__version__,
            routes=app.routes,
            description="The provider's voice-menu API, as ivrd implements it.",
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "oauth2": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "/oauth/token",
                        "scopes": {"all": "configuration changes"},
                    }
                },
            },
            "bearer": {"type": "http", "scheme": "bearer"},
        }
        schema["security"] = [{"oauth2": ["all"]}, {"bearer": []}]
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings, db: Database) -> FastAPI:
    app = FastAPI(
        title="ivrd",
        version=__version__,
        openapi_url=OPENAPI_PATH,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.db = db
    api = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)
    for router in RESOURCE_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    app.include_router(oauth_router)
    install_explorer(app)
    install_error_handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(NormalizeRequests)
    return app
