"""Backup and restore: every record as Django fixtures in JSON Lines (portable between SQLite and PostgreSQL) plus
media, in one .tar.gz with a manifest (record count and SHA-256 of the data).

Both directions stream: records are written and read one line at a time through temporary files, so memory stays
bounded whatever the size of the city's data (the whole-JSON fixture of before took gigabytes for a demo's data).
The archive is verified after writing and before restoring: a damaged or foreign archive changes nothing.

On PostgreSQL the data is PostgreSQL's own custom-format dump (pg_dump -Fc, restored by pg_restore in one
transaction) unless a portable archive is asked for; JSON Lines archives restore on either database, so a city can
move from the embedded SQLite to PostgreSQL with `ioc backup --portable` then `ioc restore`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "core.loginfailure"]
DATA, PGDUMP, MANIFEST = "data.jsonl", "data.pgdump", "manifest.json"
CHUNK = 1024 * 1024


class BackupError(ValueError):
    """The archive is not a backup of this system, or is damaged."""


def _digest_and_count(path: Path) -> tuple[str, int]:
    """SHA-256 of a JSON Lines file and how many records it holds; each line must be a JSON object."""
    digest, count = hashlib.sha256(), 0
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            digest.update(line)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise BackupError(f"{DATA} line {number} is not valid JSON") from None
            if not isinstance(record, dict) or "model" not in record:
                raise BackupError(f"{DATA} line {number} is not a record")
            count += 1
    return digest.hexdigest(), count


def _postgres() -> dict | None:
    """The connection settings when the database is PostgreSQL and its tools are installed."""
    if connection.vendor != "postgresql" or not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        return None
    return settings.DATABASES["default"]


def _pg(tool: str, *args: str, connect: bool = True) -> subprocess.CompletedProcess:
    """Run pg_dump/pg_restore against our database. The password goes in a private passfile named in the
    connection string — never on the command line, where other users of the machine could read it."""
    db = _postgres()
    with tempfile.NamedTemporaryFile("w", suffix=".pgpass") as passfile:
        target = []
        if connect:
            host, port = str(db.get("HOST") or "127.0.0.1"), str(db.get("PORT") or 5432)
            passfile.write(f"{host}:{port}:{db['NAME']}:{db['USER']}:{db.get('PASSWORD') or ''}\n")
            passfile.flush()
            os.chmod(passfile.name, 0o600)
            conninfo = f"host={host} port={port} user={db['USER']} dbname={db['NAME']} passfile={passfile.name}"
            target = ["--dbname", conninfo]
        result = subprocess.run([tool, *target, *args], capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[:500]}")
    return result


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup(output: Path | None = None, *, portable: bool = False) -> Path:
    """Write `<data dir>/backups/ioc-YYYYmmdd-HHMMSS.tar.gz` (or `output`), then read it back to verify it."""
    output = output or settings.DATA_DIR / "backups" / f"ioc-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent) as tmp:
        if _postgres() and not portable:
            data = Path(tmp) / PGDUMP
            _pg("pg_dump", "-Fc", "--no-owner", "-f", str(data))
            tables = len(
                [
                    line
                    for line in _pg("pg_restore", "--list", str(data), connect=False).stdout.splitlines()
                    if " TABLE DATA " in line
                ]
            )
            manifest = {"format": 3, "database": "postgresql", "tables": tables, "sha256": _file_digest(data)}
        else:
            data = Path(tmp) / DATA
            call_command(
                "dumpdata", exclude=EXCLUDE, natural_foreign=True, format="jsonl", output=str(data), verbosity=0
            )
            sha256, count = _digest_and_count(data)
            manifest = {"format": 2, "records": count, "sha256": sha256}
        manifest = json.dumps({**manifest, "at": timezone.now().isoformat()})
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(data, arcname=data.name)
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest.encode())
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(manifest.encode()))
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
        with tempfile.TemporaryDirectory(dir=output.parent) as check:
            _extract_verified(partial, Path(check))[2].close()
        partial.replace(output)  # only a verified archive takes the final name
    return output


def _extract_verified(archive: Path, into: Path) -> tuple[Path, int, tarfile.TarFile]:
    """Stream the data out of the archive into `into` and check it against the manifest; returns the data file,
    its record (or table) count and the open archive (for the media)."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"not a backup archive: {exc}") from None
    try:
        names = set(tar.getnames())
        member = DATA if DATA in names else PGDUMP if PGDUMP in names else None
        if member is None:
            raise BackupError(f"the archive has no {DATA}")
        if MANIFEST not in names:
            raise BackupError(f"the archive has no {MANIFEST}")
        manifest = json.loads(tar.extractfile(MANIFEST).read(65536))
        data = into / member
        with tar.extractfile(member) as source, data.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        if member == PGDUMP:
            sha256, count = _file_digest(data), manifest.get("tables")
        else:
            sha256, count = _digest_and_count(data)
        if sha256 != manifest.get("sha256") or count != manifest.get("records", manifest.get("tables")):
            raise BackupError("the archive is damaged: its data does not match its manifest")
    except BackupError:
        tar.close()
        raise
    except (OSError, tarfile.TarError, ValueError, EOFError) as exc:
        tar.close()
        raise BackupError(f"the archive cannot be read: {exc}") from None
    return data, count, tar


def restore(archive: Path) -> dict:
    """Replace every record with the archive's, all or nothing; media files are added back."""
    with tempfile.TemporaryDirectory() as tmp:
        data, count, tar = _extract_verified(Path(archive), Path(tmp))
        with tar:
            if data.name == PGDUMP:
                if not _postgres():
                    raise BackupError("this archive is a PostgreSQL dump: restore it on PostgreSQL")
                connection.close()  # nothing of ours holds a table while pg_restore replaces them
                _restore_dump(data, Path(tmp))
            else:
                _load_fixture(data)
            files = _restore_media(tar)
    return {"objects": count, "files": files}


def _restore_dump(data: Path, tmp: Path) -> None:
    """pg_restore's script run by psql in one transaction (all or nothing). A partition's own primary key and unique
    constraints are inherited from its table and cannot be dropped apart (pg_restore --clean tries, and fails):
    those lines are left out — dropping the tables removes them."""
    partitions = {
        line.split()[-2]
        for line in _pg("pg_restore", "--list", str(data), connect=False).stdout.splitlines()
        if " TABLE ATTACH " in line
    }
    script = _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "-f", "-", str(data), connect=False).stdout
    kept = [
        line
        for line in script.splitlines()
        if not (
            line.startswith("ALTER TABLE IF EXISTS ONLY ")
            and " DROP CONSTRAINT " in line
            and line.split()[5].split(".")[-1] in partitions
        )
    ]
    sql = tmp / "restore.sql"
    sql.write_text("\n".join(kept) + "\n")
    _pg("psql", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-q", "-f", str(sql))


def _load_fixture(data: Path) -> None:
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
            call_command("loaddata", str(data), verbosity=0)  # JSON Lines: read a record at a time
    except Exception as exc:  # rolled back: the data from before the restore is untouched
        raise BackupError(f"{DATA} could not be loaded: {exc}") from None


def _restore_media(tar: tarfile.TarFile) -> int:
    staging = Path(settings.MEDIA_ROOT).parent / "_restore"
    members = [m for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
    tar.extractall(staging, members=members, filter="data")
    restored, files = staging / "media", 0
    for path in restored.rglob("*") if restored.exists() else []:
        if path.is_file():
            target = Path(settings.MEDIA_ROOT) / path.relative_to(restored)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
            files += 1
    shutil.rmtree(staging, ignore_errors=True)
    return files
