"""The API explorer is served from local assets and the OpenAPI schema wires OAuth2."""

from __future__ import annotations

from .conftest import Server


def test_explorer_page_and_assets_are_local(server: Server) -> None:
    http = server.http()
    page = http.get("/api/ver1.0/client_api_explorer/")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "http" not in page.text.split("<script>")[0].replace('href="/', "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "oauth2-redirect.html"):
        answer = http.get(f"/api/ver1.0/client_api_explorer/assets/{asset}")
        assert answer.status_code == 200 and len(answer.content) > 1000


def test_openapi_schema_has_client_credentials_flow(server: Server) -> None:
    schema = server.http().get("/api/ver1.0/openapi.json").json()
    flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert "/api/ver1.0/client/{client_id}/extension" in schema["paths"]
