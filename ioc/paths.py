"""Where an `ioc` process keeps its state: the data dir (SQLite file, media, logs, task queue)."""

import os
from pathlib import Path


def default_data_dir() -> Path:
    """`$XDG_DATA_HOME/laichau-ioc`, else `~/.local/share/laichau-ioc`."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "laichau-ioc"


def data_dir() -> Path:
    """The data dir chosen by `IOC_DATA_DIR` (set by `--data-dir`), else the default; created on first use."""
    path = Path(os.environ.get("IOC_DATA_DIR") or default_data_dir()).expanduser().resolve()
    for sub in ("media", "logs", "backups", "static"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """`IOC_SECRET_KEY`, else a random key generated once and kept in the data dir (never in the repo)."""
    if key := os.environ.get("IOC_SECRET_KEY"):
        return key
    key_file = directory / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def field_key(directory: Path) -> str:
    """`IOC_FIELD_KEY`, else a key generated once in the data dir: encrypts secrets kept in the database (camera
    stream passwords). Keep it with the backups: without it those secrets must be entered again."""
    if key := os.environ.get("IOC_FIELD_KEY"):
        return key
    key_file = directory / "field_key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.write_bytes(Fernet.generate_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()
