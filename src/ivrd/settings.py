"""Process settings, read once from the environment (``IVRD_*``).

One frozen object is passed around instead of reading ``os.environ`` all over the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "./ivrd-data"


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    sound_dir: Path
    sip_listen: str
    sip_outbound: str | None
    rtp_port_min: int
    rtp_port_max: int
    smtp_url: str | None
    sip_domain: str
    media_report_s: float = 0.0  # log the media plane's figures this often; 0: only at stop

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("IVRD_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    database_url = env.get("IVRD_DATABASE_URL") or f"sqlite:///{data_dir / 'ivrd.sqlite3'}"
    sound_dir = Path(env.get("IVRD_SOUND_DIR") or data_dir / "sounds").resolve()
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        sound_dir=sound_dir,
        sip_listen=env.get("IVRD_SIP_LISTEN") or "127.0.0.1:5070",
        sip_outbound=env.get("IVRD_SIP_OUTBOUND") or None,
        rtp_port_min=int(env.get("IVRD_RTP_PORT_MIN") or 20000),
        rtp_port_max=int(env.get("IVRD_RTP_PORT_MAX") or 29999),
        smtp_url=env.get("IVRD_SMTP_URL") or None,
        sip_domain=env.get("IVRD_SIP_DOMAIN") or "ivrd.local",
        media_report_s=float(env.get("IVRD_MEDIA_REPORT_S") or 0),
    )
