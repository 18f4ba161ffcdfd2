"""The simulator over real HTTP: the stored seed example run by the engine in virtual time."""

from __future__ import annotations

import pytest

from ..seed_http import SeedMenu, build_seed_menu
from .audio import tone
from .conftest import Tenant

HELLO_MS, ADVERTISING_MS = 4000, 7000


@pytest.fixture
def seed(tenant: Tenant) -> SeedMenu:
    for name in ("002", "050"):
        assert (
            tenant.http.post(
                "/api/ver1.0/client/@me/extension/", json={"name": name, "status": "active"}
            ).status_code
            == 200
        )
    return build_seed_menu(
        tenant.http, tone(HELLO_MS / 1000, 8000), tone(ADVERTISING_MS / 1000, 8000)
    )


def simulate(tenant: Tenant, seed: SeedMenu, **body: object) -> dict[str, object]:
    answer = tenant.http.post(f"/api/ver1.0/extension/{seed.extension_id}/ivr/simulate", json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def plays(result: dict[str, object]) -> list[tuple[int, object, object]]:
    trace = result["trace"]
    assert isinstance(trace, list)
    return [(e["t_ms"], e["sound"], e["mode"]) for e in trace if e["kind"] == "play"]


def test_no_input_plays_both_prompts_then_transfers_to_050(tenant: Tenant, seed: SeedMenu) -> None:
    result = simulate(tenant, seed)
    assert plays(result) == [
        (5000, seed.advertising, "foreground"),
        (12000, seed.hello, "background"),
    ]
    outcome = result["outcome"]
    assert isinstance(outcome, dict)
    assert outcome["action"] == "transfer" and outcome["destinations"] == ["050"]
    assert result["variables"]["caller_id_number"] == "79001234567"  # type: ignore[index]


def test_one_during_hello_transfers_to_mobile(tenant: Tenant, seed: SeedMenu) -> None:
    result = simulate(
        tenant, seed, script=[{"when_playing": seed.hello, "after_ms": 500, "digits": "1"}]
    )
    assert result["outcome"]["destinations"] == ["+7987654321"]  # type: ignore[index]


def test_digits_during_foreground_advertising_are_ignored(tenant: Tenant, seed: SeedMenu) -> None:
    result = simulate(tenant, seed, script=[{"after_ms": 6000, "digits": "1"}])
    assert result["outcome"]["destinations"] == ["050"]  # type: ignore[index]


def test_dialling_an_extension_transfers_to_it(tenant: Tenant, seed: SeedMenu) -> None:
    result = simulate(tenant, seed, script=[{"when_playing": seed.hello, "digits": "050"}])
    assert result["outcome"]["destinations"] == ["050"]  # type: ignore[index]
    trace = result["trace"]
    assert any(e["kind"] == "input" and e["digits"] == "050" for e in trace)  # type: ignore[union-attr]


def test_bad_script_is_a_400_naming_the_item(tenant: Tenant, seed: SeedMenu) -> None:
    answer = tenant.http.post(
        f"/api/ver1.0/extension/{seed.extension_id}/ivr/simulate",
        json={"script": [{"digits": "x"}]},
    )
    assert answer.status_code == 400 and answer.json()["message"].startswith("script[0]")


def test_simulating_a_non_ivr_is_404(tenant: Tenant) -> None:
    ext = tenant.http.post("/api/ver1.0/client/@me/extension/", json={"name": "333"}).json()
    answer = tenant.http.post(f"/api/ver1.0/extension/{ext['id']}/ivr/simulate", json={})
    assert answer.status_code == 404
