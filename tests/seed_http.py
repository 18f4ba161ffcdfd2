"""The seed's worked example built through the real HTTP API, for tests that run it
(the simulator over HTTP, live SIP calls)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

BASE = "/api/ver1.0"


@dataclass(frozen=True)
class SeedMenu:
    extension_id: int
    context_id: int
    hello: int
    advertising: int


def _ok(answer: httpx.Response) -> dict[str, object] | list[object]:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert isinstance(body, dict | list)
    return body


def build_seed_menu(
    http: httpx.Client,
    hello_wav: bytes,
    advertising_wav: bytes,
    name: str = "071",
    sleep_time: int = 5000,
    timeout: int = 5000,
) -> SeedMenu:
    """Steps 1–11 of the seed: two prompts, options 1 and 2, timeout → 050."""
    sounds = []
    for title, data, filename in (
        ("hello", hello_wav, "hello.wav"),
        ("advertising", advertising_wav, "advertising.wav"),
    ):
        body = _ok(
            http.post(
                f"{BASE}/client/@me/sound/", data={"title": title}, files={"file": (filename, data)}
            )
        )
        assert isinstance(body, dict)
        sounds.append(int(str(body["id"])))
    hello, advertising = sounds
    ext = _ok(
        http.post(
            f"{BASE}/client/@me/extension/",
            json={"status": "active", "name": name, "label": "test IVR", "type": "ivr"},
        )
    )
    assert isinstance(ext, dict)
    ext_id = int(str(ext["id"]))
    ctx = _ok(
        http.post(
            f"{BASE}/extension/{ext_id}/ivr/context/",
            json={
                "digit_len": 3,
                "allow_any_dial": True,
                "inter_digit_timeout": 2000,
                "name": "Основной контекст",
                "timeout": timeout,
            },
        )
    )
    assert isinstance(ctx, dict)
    ctx_id = int(str(ctx["id"]))
    _ok(
        http.put(
            f"{BASE}/extension/{ext_id}/ivr/",
            json={"sleep_time": sleep_time, "entry_context": ctx_id},
        )
    )
    options = f"{BASE}/extension/{ext_id}/ivr/context/{ctx_id}/options"
    _ok(
        http.post(
            f"{options}/start/rules/",
            json={"sound": advertising, "sound_type": "foreground", "action": "play_sound"},
        )
    )
    _ok(
        http.post(
            f"{options}/start/rules/",
            json={"sound": hello, "sound_type": "background", "action": "play_sound"},
        )
    )
    for digits, dst in (("1", "+7987654321"), ("2", "002")):
        _ok(http.post(f"{options}/", json={"digits": digits}))
        _ok(
            http.post(
                f"{options}/{digits}/rules/", json={"transfer_dst": dst, "action": "transfer"}
            )
        )
    _ok(http.post(f"{options}/timeout/rules/", json={"transfer_dst": "050", "action": "transfer"}))
    return SeedMenu(ext_id, ctx_id, hello, advertising)
