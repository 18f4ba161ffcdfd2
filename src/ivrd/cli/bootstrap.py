"""First start: an empty database gets a demo client, user and trusted application."""

from __future__ import annotations

from dataclasses import dataclass

from ivrd.config.auth.secrets import random_alphanumeric
from ivrd.config.clients import service as clients
from ivrd.db.session import Database

DEMO_CLIENT = "Demo"
DEMO_LOGIN = "demo"


@dataclass(frozen=True, slots=True)
class DemoTenant:
    client_id: int
    login: str
    password: str
    app_id: str
    app_secret: str

    def banner(self, base_url: str) -> str:
        curl = (
            f"curl -s -X POST {base_url}/oauth/token -d grant_type=client_credentials "
            f"-d client_id={self.app_id} -d client_secret={self.app_secret}"
        )
        return "\n".join(
            [
                "ivrd: created a demo tenant on this empty database",
                f"  client id:       {self.client_id} (extension prefix 000)",
                f"  user:            {self.login} / {self.password}",
                f"  Application_ID:  {self.app_id}",
                f"  Application_Secret: {self.app_secret}",
                "  get a token:",
                f"    {curl}",
                f"  API explorer:    {base_url}/api/ver1.0/client_api_explorer/",
            ]
        )


def create_demo_tenant(db: Database, domain: str) -> DemoTenant | None:
    """Returns the new tenant, or None when the database already holds clients."""
    if not clients.is_empty(db):
        return None
    client = clients.create_client(db, DEMO_CLIENT, prefix="000", domain=domain)
    password = random_alphanumeric(16)
    clients.create_user(db, client["id"], DEMO_LOGIN, password, admin=False, access="all")
    app = clients.create_app(db, client["id"], "trusted", "all", name="demo")
    return DemoTenant(client["id"], DEMO_LOGIN, password, app["client_id"], app["client_secret"])
