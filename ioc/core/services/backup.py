"""Backup and restore: every record as Django fixtures (portable between SQLite and PostgreSQL) plus media."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "core.loginfailure"]


class BackupError(ValueError):
    """The archive is not a backup of this system."""


def backup(output: Path | None = None) -> Path:
    """Write `<data dir>/backups/ioc-YYYYmmdd-HHMMSS.tar.gz` (or `output`)."""
    output = output or settings.DATA_DIR / "backups" / f"ioc-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    data = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDE, natural_foreign=True, format="json", stdout=data)
    payload = data.getvalue().encode()
    with tarfile.open(output, "w:gz") as tar:
        info = tarfile.TarInfo("data.json")
        info.size = len(payload)
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(payload))
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            tar.add(media, arcname="media")
    return output


def restore(archive: Path) -> dict:
    """Replace every record with the archive's, all or nothing; media files are added back."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"not a backup archive: {exc}") from None
    with tar, tempfile.TemporaryDirectory() as tmp:
        try:
            member = tar.getmember("data.json")
        except KeyError:
            raise BackupError("the archive has no data.json") from None
        raw = tar.extractfile(member).read()
        try:
            objects = json.loads(raw)
        except ValueError as exc:
            raise BackupError(f"data.json is not valid JSON: {exc}") from None
        fixture = Path(tmp) / "data.json"
        fixture.write_bytes(raw)
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses to run while deferred FK checks are pending in this transaction.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                call_command("flush", interactive=False, verbosity=0)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                call_command("loaddata", str(fixture), verbosity=0)
        except Exception as exc:  # rolled back: the data from before the restore is untouched
            raise BackupError(f"data.json could not be loaded: {exc}") from None
        media_members = [m for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
        tar.extractall(Path(settings.MEDIA_ROOT).parent / "_restore", members=media_members, filter="data")
        restored = Path(settings.MEDIA_ROOT).parent / "_restore" / "media"
        files = 0
        for path in restored.rglob("*") if restored.exists() else []:
            if path.is_file():
                target = Path(settings.MEDIA_ROOT) / path.relative_to(restored)
                target.parent.mkdir(parents=True, exist_ok=True)
                path.replace(target)
                files += 1
        import shutil

        shutil.rmtree(Path(settings.MEDIA_ROOT).parent / "_restore", ignore_errors=True)
    return {"objects": len(objects), "files": files}
