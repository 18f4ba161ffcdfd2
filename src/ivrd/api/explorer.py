"""The interactive API explorer at ``/api/ver1.0/client_api_explorer/``, from local assets.

Swagger UI's files come from the ``swagger-ui-bundle`` package, so the page works offline;
the OAuth2 client-credentials flow is wired to ``/oauth/token`` so a user pastes an
Application_ID and secret, gets a token and tries calls.
"""

from __future__ import annotations

import json

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

EXPLORER_PATH = "/api/ver1.0/client_api_explorer"
ASSETS_PATH = f"{EXPLORER_PATH}/assets"
OPENAPI_PATH = "/api/ver1.0/openapi.json"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>ivrd API explorer</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {openapi}, dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true,
  oauth2RedirectUrl: window.location.origin + "{assets}/oauth2-redirect.html"
}});
window.ui.initOAuth({{ scopes: "all" }});
</script></body></html>"""


def install_explorer(app: FastAPI) -> None:
    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="assets")
    page = PAGE.format(assets=ASSETS_PATH, openapi=json.dumps(OPENAPI_PATH))

    @app.get(EXPLORER_PATH, include_in_schema=False)
    def explorer() -> HTMLResponse:
        return HTMLResponse(page)
