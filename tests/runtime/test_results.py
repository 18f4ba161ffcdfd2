"""What calls produce, for real: Call Interactive over HTTP, voicemail recorded and e-mailed,
ratings, recordings, the call history — and draining on SIGTERM."""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Node, running_node
from .servers import Recorded, interactive_server, smtp_sink
from .sipp import BYE, RECV_BYE, info, pause, play_audio
from .test_calls import call, tone

BASE = "/api/ver1.0"


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Recorded]]:
    with smtp_sink() as (port, recorded), running_node(
        tmp_path_factory.mktemp("mailnode"), {"IVRD_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    ) as node:
        yield node, recorded


def ivr(node: Node, name: str, rules: list[dict[str, object]], **settings: object) -> int:
    ext = node.http.post(f"{BASE}/client/@me/extension/", json={
        "name": name, "type": "ivr", "status": "active"}).json()["id"]
    ctx = node.http.post(f"{BASE}/extension/{ext}/ivr/context/",
                         json={"name": "main", "timeout": 3000}).json()["id"]
    answer = node.http.put(f"{BASE}/extension/{ext}/ivr/", json={"entry_context": ctx, **settings})
    assert answer.status_code == 200, answer.text
    for rule in rules:
        answer = node.http.post(f"{BASE}/extension/{ext}/ivr/context/{ctx}/options/start/rules/",
                                json=rule)
        assert answer.status_code == 200, answer.text
    return int(ext)


def sound(node: Node, seconds: float) -> int:
    answer = node.http.post(f"{BASE}/client/@me/sound/", data={"title": f"t{seconds}"},
                            files={"file": ("t.wav", tone(seconds))})
    return int(answer.json()["id"])


def rows(node: Node, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(node.data_dir / "ivrd.sqlite3") as db:
        return list(db.execute(query))


def test_call_interactive_answer_transfers_the_call(mail: tuple[Node, Recorded],
                                                   tmp_path: Path) -> None:
    node, _ = mail
    answer = ('<?xml version="1.0" encoding="UTF-8"?><Response>'
              '<SetVar name="dst">050</SetVar><SimpleTransfer>050</SimpleTransfer></Response>')
    with interactive_server(answer) as (url, recorded):
        ivr(node, "081", [{"action": "call_interactive", "call_interactive_url": url,
                           "call_interactive_method": "POST"}, {"action": "hangup"}])
        call(node, tmp_path, "081", pause(3000) + BYE, target="050")
    method, _, params = recorded.requests[0]
    assert method == "POST" and params["EventType"] == "call_interactive"
    assert params["CallerIDNum"] == "79001234567"
    assert params["CallerIDNum"] == "79001234567" and params["CalledExtension"] == "000*081"
    assert len(params["CallID"]) == 32 and params["CallAPIID"].endswith(params["CallID"])


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_a_text_to_speech_greeting_is_spoken_to_the_caller(mail: tuple[Node, Recorded],
                                                           tmp_path: Path) -> None:
    """Call Interactive answers <TextToSpeech>; the play_sound_from_variable rule speaks it
    (espeak-ng) for as long as the speech lasts, not the 0.3 s fallback sound."""
    node, _ = mail
    text = "Здравствуйте! Это проверка синтеза речи для вашего звонка."
    answer = ('<?xml version="1.0" encoding="UTF-8"?><Response>'
              f'<TextToSpeech voice="alena">{text}</TextToSpeech></Response>')
    fallback = sound(node, 0.3)
    with interactive_server(answer) as (url, _recorded):
        ivr(node, "089", [{"action": "call_interactive", "call_interactive_url": url,
                           "call_interactive_method": "POST"},
                          {"action": "play_sound", "sound": fallback, "sound_type": "foreground",
                           "play_sound_from_variable": True},
                          {"action": "hangup"}])
        call(node, tmp_path, "089", RECV_BYE)
    log = node.log()
    call_id = re.search(r'call (\w+) \{"t": [0-9.]+, "kind": "say_text".*Здравствуйте', log)
    assert call_id is not None, log[-3000:]
    lines = re.findall(rf"call {call_id.group(1)} (\{{.*\}})", log)
    entries = [json.loads(found) for found in lines]
    spoken = next(e for e in entries if e["kind"] == "say_text")
    hangup = next(e for e in entries if e["kind"] == "rule" and e["action"] == "hangup")
    assert spoken["voice"] == "alena" and "cannot speak" not in log
    assert 2.0 < hangup["t"] - spoken["t"] < 10, (spoken, hangup)  # ~3.5 s of speech


def test_voicemail_is_recorded_stored_and_emailed(mail: tuple[Node, Recorded],
                                                 tmp_path: Path) -> None:
    node, recorded = mail
    greeting = sound(node, 0.5)
    ext = ivr(node, "082", [], vm_enabled=True, vm_greeting=greeting,
              vm_mailto="boss@example.test", vm_attach_file=True)
    call(node, tmp_path, "082", pause(700) + play_audio() + pause(3000) + BYE, codec="PCMA")
    node.wait_for_log(r"ended: caller hung up")
    deadline = time.monotonic() + 10
    while not recorded.mails and time.monotonic() < deadline:
        time.sleep(0.1)
    found = rows(node, "select kind, stored_name, duration_ms from recordings "
                       f"where extension_id={ext}")
    assert len(found) == 1 and found[0][0] == "voicemail"
    with wave.open(str(node.data_dir / "voicemail" / str(found[0][1]))) as wav:
        assert wav.getframerate() == 8000 and wav.getnframes() > 8000  # over a second of voice
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    listed = node.http.get(f"{BASE}/client/@me/voicemail/", params={
        "start_datetime": "2020-01-01 00:00:00", "end_datetime": now})
    assert listed.status_code == 400 and "two months" in listed.json()["message"]
    listed = node.http.get(f"{BASE}/client/@me/voicemail", params={
        "start_datetime": now[:8] + "01 00:00:00", "end_datetime": now})
    uuid = listed.json()[-1]["record_uuid"]
    audio = node.http.get(f"{BASE}/client/@me/voicemail/{uuid}")
    assert audio.headers["content-type"] == "audio/wav" and len(audio.content) > 16000
    mail_message = recorded.mails[0]
    assert mail_message["To"] == "boss@example.test"
    attachments = [p for p in mail_message.walk() if p.get_content_type() == "audio/wav"]
    assert len(attachments) == 1


def test_rating_is_saved_and_history_written(mail: tuple[Node, Recorded], tmp_path: Path) -> None:
    node, _ = mail
    prompt = sound(node, 0.5)
    ext = ivr(node, "083", [{"action": "quality_rate", "sound": prompt, "max_rate": 5},
                            {"action": "hangup"}])
    call(node, tmp_path, "083", pause(1000) + info("4") + RECV_BYE)
    time.sleep(0.5)
    rates = rows(node, f"select rate, max_rate from quality_rates where extension_id={ext}")
    assert rates == [(4, 5)]
    api_rates = node.http.get(f"{BASE}/client/@me/quality_rate/", params={"extension_id": ext})
    assert [(r["rate"], r["max_rate"]) for r in api_rates.json()] == [(4, 5)]
    page = node.http.get(f"{BASE}/client/@me/call_history/",
                         params={"extension_id": ext, "flow": "", "per_page": 0}).json()
    assert set(page) == {"page", "per_page", "order", "call_history"}
    item = page["call_history"][0]
    assert item["from_username"] == "79001234567" and isinstance(item["cdr"], list)
    assert any(entry["kind"] == "rating" for entry in item["cdr"])
    one = node.http.get(f"{BASE}/client/@me/call_history/{item['call_uuid']}")
    assert one.json()["call_uuid"] == item["call_uuid"]


def test_start_record_writes_the_callers_audio(mail: tuple[Node, Recorded], tmp_path: Path) -> None:
    node, _ = mail
    ext = ivr(node, "084", [{"action": "start_record"},
                            {"action": "play_silence", "silence_time": 10000}])
    call(node, tmp_path, "084", play_audio() + pause(2500) + BYE, codec="PCMA")
    node.wait_for_log(r"ended: caller hung up")
    time.sleep(0.5)
    found = rows(node, f"select kind, stored_name from recordings where extension_id={ext}")
    assert found and found[0][0] == "record"
    assert (node.data_dir / "recordings" / str(found[0][1])).stat().st_size > 8000
    records = node.http.get(f"{BASE}/extension/{ext}/record/").json()
    uuid = records[0]["record_uuid"]
    url = node.http.get(f"{BASE}/client/@me/record/{uuid}/storage_url/").json()["record_url"]
    assert node.http.get(url).status_code == 200
    download = node.http.get(f"{BASE}/client/@me/record/{uuid}/download/")
    assert 'filename="' in download.headers["content-disposition"]
    assert node.http.delete(f"{BASE}/client/@me/record/{uuid}").status_code == 200
    assert node.http.get(f"{BASE}/client/@me/record/{uuid}").status_code == 404


def test_sigterm_drains_calls_and_refuses_new_ones(tmp_path_factory: pytest.TempPathFactory,
                                                   tmp_path: Path) -> None:
    with running_node(tmp_path_factory.mktemp("drain")) as node:
        ivr(node, "085", [{"action": "play_silence", "silence_time": 1500}, {"action": "hangup"}])
        from .sipp import caller, start_sipp

        running = start_sipp(tmp_path, "running", caller(RECV_BYE), "-s", "085",
                             f"127.0.0.1:{node.sip_port}")
        time.sleep(0.8)
        node.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        from .test_calls import _final_status

        assert _final_status(node, "085") == 503
        assert running.wait(20) == 0, running.errors()  # the call in progress ended normally
        assert node.process.wait(20) == 0


def test_dial_in_and_hangup_events_are_delivered(mail: tuple[Node, Recorded],
                                               tmp_path: Path) -> None:
    node, _ = mail
    with interactive_server("") as (url, recorded):
        ext = ivr(node, "086", [{"action": "play_silence", "silence_time": 500},
                                {"action": "hangup"}])
        for event_type, method in (("dial-in", "GET"), ("hangup", "POST")):
            node.http.post(f"{BASE}/extension/{ext}/event/",
                           json={"url": url, "method": method, "event_type": event_type})
        call(node, tmp_path, "086", RECV_BYE)
        deadline = time.monotonic() + 5
        while len(recorded.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    (m1, _, dial_in), (m2, _, hangup) = recorded.requests
    assert (m1, dial_in["EventType"], m2, hangup["EventType"]) == ("GET", "dial-in", "POST",
                                                                   "hangup")
    assert dial_in["CallID"] == hangup["CallID"] and dial_in["CalledExtension"] == "000*086"
    assert int(hangup["Duration"]) > 400_000  # µs: the half-second of silence
