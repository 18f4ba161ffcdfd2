"""Sound files over real HTTP: decode at upload, stored audio on disk, filters, tenancy."""

from __future__ import annotations

import io
import wave

import pytest

from ivrd.db.models import Sound

from .audio import tone
from .conftest import Tenant

URL = "/api/ver1.0/client/@me/sound"


def upload(
    t: Tenant, data: bytes, title: str = "hello", name: str = "hello.wav"
) -> dict[str, object]:
    answer = t.http.post(URL + "/", data={"title": title}, files={"file": (name, data)})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def stored_path(t: Tenant, sound: dict[str, object]):  # type: ignore[no-untyped-def]
    return t.server.data_dir / "sounds" / str(sound["stored_filename"])


def test_upload_answers_like_the_seed_and_stores_telephony_audio(tenant: Tenant) -> None:
    sound = upload(tenant, tone(1.0, 44100, 2), title="мой файл приветствия")
    assert {k: sound[k] for k in ("client_id", "title", "dealer_id", "filename")} == {
        "client_id": tenant.client_id,
        "title": "мой файл приветствия",
        "dealer_id": None,
        "filename": "hello.wav",
    }
    assert sound["duration"] == 1000
    with wave.open(str(stored_path(tenant, sound))) as stored:
        assert (stored.getnchannels(), stored.getsampwidth(), stored.getframerate()) == (1, 2, 8000)
        assert stored.getnframes() == 8000


@pytest.mark.parametrize(
    ("subtype", "fmt", "rate"),
    [
        ("PCM_U8", "WAV", 8000),
        ("PCM_24", "WAV", 48000),
        ("PCM_32", "WAV", 16000),
        ("MPEG_LAYER_III", "MP3", 44100),
    ],
)
def test_accepted_formats(tenant: Tenant, subtype: str, fmt: str, rate: int) -> None:
    sound = upload(tenant, tone(0.5, rate, subtype=subtype, fmt=fmt), name=f"a.{fmt.lower()}")
    assert abs(int(str(sound["duration"])) - 500) <= 60  # MP3 adds encoder padding


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (tone(0.2, subtype="FLOAT"), "file: float WAV"),
        (b"just some text, not audio" * 10, "file: not a WAV or MP3 file"),
        (bytes(4000), "file: not a WAV or MP3 file"),
    ],
)
def test_refused_files_say_why(tenant: Tenant, data: bytes, message: str) -> None:
    answer = tenant.http.post(URL, data={"title": "x"}, files={"file": ("x.wav", data)})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(message), answer.json()


def test_too_large_and_missing_parts(tenant: Tenant) -> None:
    big = tenant.http.post(
        URL, data={"title": "x"}, files={"file": ("x.wav", bytes(10 * 1024 * 1024 + 1))}
    )
    assert big.status_code == 400 and "10 MB" in big.json()["message"]
    no_file = tenant.http.post(URL, data={"title": "x"}, files={"other": ("x", b"1")})
    assert no_file.status_code == 400 and no_file.json()["message"] == "file: field required"
    no_title = tenant.http.post(URL, files={"file": ("x.wav", tone(0.1))})
    assert no_title.json()["message"] == "title: field required"


def test_download_update_replace_delete(tenant: Tenant) -> None:
    sound = upload(tenant, tone(0.5))
    item = f"{URL}/{sound['id']}"
    download = tenant.http.get(item + "/download")
    assert download.status_code == 200 and download.headers["content-type"] == "audio/wav"
    assert 'attachment; filename="hello.wav"' in download.headers["content-disposition"]
    with wave.open(io.BytesIO(download.content)) as got:
        assert got.getnframes() == 4000
    assert tenant.http.put(item, json={"title": "renamed"}).json()["title"] == "renamed"
    old_path = stored_path(tenant, sound)
    replaced = tenant.http.post(item, files={"file": ("new.wav", tone(2.0, 8000))})
    assert replaced.status_code == 200 and replaced.json()["duration"] == 2000
    assert not old_path.exists() and stored_path(tenant, replaced.json()).exists()
    assert tenant.http.delete(item).status_code == 200
    assert not stored_path(tenant, replaced.json()).exists()
    assert tenant.http.get(item).status_code == 404


def test_filters_and_provider_wide_sounds(tenant: Tenant, other_tenant: Tenant) -> None:
    a, b = upload(tenant, tone(0.1), "a"), upload(tenant, tone(0.1), "b")
    upload(other_tenant, tone(0.1), "a")
    with tenant.server.db.write() as session:
        shared = Sound(
            client_id=None,
            dealer_id=1,
            title="provider",
            filename="p.wav",
            stored_name=f"shared-{a['id']}.wav",
            duration_ms=100,
        )
        session.add(shared)
        session.flush()
        shared_id = shared.id
    ids = [s["id"] for s in tenant.http.get(URL).json()]
    assert ids == [a["id"], b["id"], shared_id]
    own = tenant.http.get(URL, params={"own_only": "true"}).json()
    assert [s["id"] for s in own] == [a["id"], b["id"]]
    by_id = tenant.http.get(f"{URL}?id={a['id']}&id={shared_id}").json()
    assert [s["id"] for s in by_id] == [a["id"], shared_id]
    by_title = tenant.http.get(f"{URL}?title=a&title=provider&own_only=1").json()
    assert [s["id"] for s in by_title] == [a["id"]]
    assert tenant.http.delete(f"{URL}/{shared_id}").status_code == 404  # not ours to delete
    assert other_tenant.http.get(f"{URL}/{a['id']}").status_code == 404
