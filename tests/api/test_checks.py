"""``GET .../ivr/check`` and ``.../ivr/graph`` over real HTTP, on menus built through the API."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from ivrd.db.models import Sound

from .conftest import Tenant
from .ivr_fixtures import BASE, ivr_url, make_context, make_ivr, make_option, make_rule, make_sound

SVG = "{http://www.w3.org/2000/svg}"


def seed_like(t: Tenant) -> tuple[int, int, int]:
    """The seed's example with mistakes: a foreground greeting left last before input, an
    option longer than digit_len, a short transfer number that is no extension, and an
    unused context. Returns the extension, the main context and the greeting's sound."""
    ext = make_ivr(t)
    hello = make_sound(t, "hello")
    main = make_context(t, ext, "Основной контекст", timeout=5000, inter_digit_timeout=2000,
                        digit_len=4, allow_any_dial=True)
    make_context(t, ext, "Spare")
    make_rule(t, ext, main, "start", action="play_sound", sound=hello, sound_type="foreground")
    make_rule(t, ext, main, "timeout", action="transfer", transfer_dst="050")
    make_option(t, ext, main, "1")
    make_rule(t, ext, main, "1", action="transfer", transfer_dst="+7987654321")
    make_option(t, ext, main, "1234")
    make_rule(t, ext, main, "1234", action="hangup")
    answer = t.http.put(f"{ivr_url(ext)}/context/{main}", json={"digit_len": 3})
    assert answer.status_code == 200, answer.text
    answer = t.http.put(f"{ivr_url(ext)}/", json={"entry_context": main, "sleep_time": 500})
    assert answer.status_code == 200, answer.text
    return ext, main, hello


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
    with tenant.server.db.read() as session:
        sound = session.get(Sound, hello)
        assert sound is not None
        stored = sound.stored_name
    (tenant.server.data_dir / "sounds" / stored).unlink()
    body = tenant.http.get(f"{BASE}/extension/@071/ivr/check").json()
    [missing] = [f for f in body["findings"] if f["code"] == "E033-sound-audio-missing"]
    assert missing["path"] == {"context": main, "option": "start", "rule": 1}


def test_check_of_a_clean_menu_and_of_others_menus(tenant: Tenant, other_tenant: Tenant) -> None:
    extension = make_ivr(tenant)
    hello = make_sound(tenant, "hello")
    main = make_context(tenant, extension, "Main", timeout=4000)
    make_rule(tenant, extension, main, "start", action="play_sound", sound=hello,
              sound_type="background")
    make_rule(tenant, extension, main, "timeout", action="hangup")
    answer = tenant.http.put(f"{ivr_url(extension)}/", json={"entry_context": main,
                                                            "lifetime": 600})
    assert answer.status_code == 200, answer.text
    body = tenant.http.get(f"{BASE}/extension/{extension}/ivr/check").json()
    assert body == {"findings": [], "counts": {"error": 0, "warning": 0, "info": 0}}
    assert other_tenant.http.get(f"{BASE}/extension/{extension}/ivr/check").status_code == 404


def test_check_of_an_ivr_without_entry_context(tenant: Tenant) -> None:
    extension = make_ivr(tenant)
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


def test_check_finds_rules_on_intervals_that_ended(tenant: Tenant) -> None:
    extension = make_ivr(tenant)
    main = make_context(tenant, extension, "Main", timeout=4000)
    answer = tenant.http.post(f"{BASE}/client/@me/interval/", json={
        "name": "Promo 2020", "timezone": "Europe/Moscow",
        "conditions": [{"start_datetime": "2020-01-01 00:00:00",
                        "end_datetime": "2020-02-01 00:00:00"}]})
    assert answer.status_code == 200, answer.text
    promo = answer.json()["id"]
    rule = make_rule(tenant, extension, main, "start", action="hangup", interval=promo)
    make_rule(tenant, extension, main, "start", action="play_silence", silence_time=1000)
    tenant.http.put(f"{ivr_url(extension)}/", json={"entry_context": main})
    body = tenant.http.get(f"{BASE}/extension/{extension}/ivr/check").json()
    [ended] = [f for f in body["findings"] if f["code"] == "W031-interval-never-active"]
    assert ended["path"] == {"context": main, "option": "start", "rule": rule["id"]}
    assert "Promo 2020" in ended["message"] and "ended at 2020-02-01 00:00:00" in ended["message"]


def test_graph_trace_is_bounded_and_typed(tenant: Tenant) -> None:
    extension, _, _ = seed_like(tenant)
    url = f"{BASE}/extension/{extension}/ivr/graph"
    huge = tenant.http.post(url, json={"format": "dot", "trace": [{}] * 100_001})
    assert huge.status_code == 400
    assert huge.json()["message"] == "trace: at most 100000 trace entries"
    odd = tenant.http.post(url, json={"format": "dot", "trace": {"trace": "nope"}})
    assert odd.status_code == 200 and 'class="visited"' not in odd.text
