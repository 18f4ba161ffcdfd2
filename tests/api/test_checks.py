"""``GET .../ivr/check`` and ``.../ivr/graph`` over real HTTP, on menus stored in the database."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.config.stored import store_menu

from .audio import tone
from .conftest import Tenant

BASE = "/api/ver1.0"
SVG = "{http://www.w3.org/2000/svg}"


def ivr(t: Tenant, name: str = "071") -> int:
    answer = t.http.post(f"{BASE}/client/@me/extension/", json={"name": name, "type": "ivr"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def sound(t: Tenant, title: str = "hello") -> dict[str, Any]:
    answer = t.http.post(f"{BASE}/client/@me/sound/", data={"title": title},
                         files={"file": ("hello.wav", tone(0.2))})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def seed_like(t: Tenant) -> tuple[int, int, dict[str, Any]]:
    """The seed's example, with a foreground greeting left last and an unused context."""
    extension = ivr(t)
    hello = sound(t)
    main = {"name": "Основной контекст", "timeout": 5000, "inter_digit_timeout": 2000,
            "digit_len": 3, "allow_any_dial": True, "options": {
                "start": [{"action": "play_sound", "sound": hello["id"],
                           "sound_type": "foreground"}],
                "timeout": [{"action": "transfer", "transfer_dst": "050"}],
                "1": [{"action": "transfer", "transfer_dst": "+7987654321"}],
                "1234": [{"action": "hangup"}]}}
    spare = {"name": "Spare", "options": {"start": [{"action": "hangup"}]}}
    ids = store_menu(t.server.db, extension, [main, spare], sleep_time=500)
    return extension, ids[0], hello


def test_check_reports_findings_with_codes_paths_and_counts(tenant: Tenant) -> None:
    extension, main, _ = seed_like(tenant)
    answer = tenant.http.get(f"{BASE}/extension/{extension}/ivr/check")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    by_code = {f["code"]: f for f in body["findings"]}
    assert by_code["E010-option-too-long"]["path"] == {"context": main, "option": "1234"}
    assert by_code["W002-unreachable-context"]["path"] == {"context": main + 1}
    assert by_code["W017-foreground-before-input"]["path"]["option"] == "start"
    assert by_code["W020-implausible-transfer-dst"]["message"].startswith(
        "rule 2 transfers to '050'")  # 050 is no extension of this client
    assert body["counts"] == {
        level: sum(f["severity"] == level for f in body["findings"])
        for level in ("error", "warning", "info")}
    assert body["counts"]["error"] == 1
    assert body["findings"][0]["severity"] == "error"


def test_check_sees_missing_audio_files_and_answers_by_short_name(tenant: Tenant) -> None:
    _, main, hello = seed_like(tenant)
    audio = tenant.server.data_dir / "sounds" / str(hello["stored_filename"])
    audio.unlink()
    body = tenant.http.get(f"{BASE}/extension/@071/ivr/check").json()
    [missing] = [f for f in body["findings"] if f["code"] == "E033-sound-audio-missing"]
    assert missing["path"] == {"context": main, "option": "start", "rule": 1}


def test_check_of_a_clean_menu_and_of_others_menus(tenant: Tenant, other_tenant: Tenant) -> None:
    extension = ivr(tenant)
    hello = sound(tenant)
    store_menu(tenant.server.db, extension, [{"name": "Main", "timeout": 4000, "options": {
        "start": [{"action": "play_sound", "sound": hello["id"], "sound_type": "background"}],
        "timeout": [{"action": "hangup"}]}}], lifetime=600)
    body = tenant.http.get(f"{BASE}/extension/{extension}/ivr/check").json()
    assert body == {"findings": [], "counts": {"error": 0, "warning": 0, "info": 0}}
    assert other_tenant.http.get(f"{BASE}/extension/{extension}/ivr/check").status_code == 404


def test_check_of_an_ivr_without_entry_context(tenant: Tenant) -> None:
    extension = ivr(tenant)
    body = tenant.http.get(f"{BASE}/extension/{extension}/ivr/check").json()
    assert [f["code"] for f in body["findings"]] == ["E001-no-entry-context"]


@pytest.mark.parametrize(("fmt", "media"), [("dot", "text/vnd.graphviz"),
                                            ("mermaid", "text/plain")])
def test_graph_text_formats(tenant: Tenant, fmt: str, media: str) -> None:
    extension, _, _ = seed_like(tenant)
    answer = tenant.http.get(f"{BASE}/extension/{extension}/ivr/graph", params={"format": fmt})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media)
    assert "Основной контекст" in answer.text and "Spare" in answer.text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graph_svg_names_every_context_and_overlays_a_simulation(tenant: Tenant) -> None:
    extension, main, _ = seed_like(tenant)
    url = f"{BASE}/extension/{extension}/ivr/graph"
    answer = tenant.http.get(url)
    assert answer.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(answer.content)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Основной контекст" in texts and "Spare" in texts
    simulation = tenant.http.post(f"{BASE}/extension/{extension}/ivr/simulate", json={})
    assert simulation.status_code == 200, simulation.text
    traced = tenant.http.post(url, json={"format": "svg", "trace": simulation.json()})
    assert traced.status_code == 200, traced.text
    marked = {g.get("id") for g in ET.fromstring(traced.content).iter(f"{SVG}g")
              if "visited" in (g.get("class") or "")}
    assert {"entry", f"c{main}"} <= marked
    as_list = tenant.http.post(url, json={"format": "dot", "trace": simulation.json()["trace"]})
    assert as_list.text.count('class="visited"') == len(marked)


def test_graph_refuses_unknown_formats(tenant: Tenant) -> None:
    extension, _, _ = seed_like(tenant)
    answer = tenant.http.get(f"{BASE}/extension/{extension}/ivr/graph", params={"format": "png"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("format:")
