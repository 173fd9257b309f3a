"""The offline base map: a tiles file the city provides, served by the product itself.

A wall on a government network without the internet still shows streets when the city loads an MBTiles or PMTiles
file built from OpenStreetMap with the usual tools (`ioc load-basemap FILE`). Raster tiles (PNG, JPEG, WebP) are
served as they are to Leaflet; vector tiles would need a style renderer in the browser, so they are refused with a
message saying how to build raster ones. Without a file, the map falls back to the configured tile URL and, when
that cannot be reached, to the unit outlines.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

RASTER_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
PMTILES_TYPES = {2: "png", 3: "jpg", 4: "webp"}  # PMTiles v3 header tile_type codes
MAX_ZOOM = 22


class BasemapError(ValueError):
    """The file is not a tiles file this product can serve; the message says why."""


@dataclass(frozen=True)
class Basemap:
    path: Path
    kind: str  # "mbtiles" or "pmtiles"
    tile_format: str  # png, jpg or webp
    min_zoom: int
    max_zoom: int
    attribution: str
    tiles: int | None  # how many tiles the file holds, when it says

    @property
    def content_type(self) -> str:
        return RASTER_TYPES[self.tile_format]


def _folder() -> Path:
    return Path(settings.DATA_DIR) / "basemap"


def _inspect_mbtiles(path: Path) -> Basemap:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = db.execute("SELECT MIN(zoom_level), MAX(zoom_level), COUNT(*) FROM tiles").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BasemapError(
            _("Not an MBTiles file (a SQLite database with metadata and tiles): %(e)s") % {"e": exc}
        ) from exc
    return _checked(
        path, "mbtiles", meta.get("format", "png"), zooms[0], zooms[1], meta.get("attribution", ""), zooms[2]
    )


def _inspect_pmtiles(path: Path) -> Basemap:
    from pmtiles.reader import MmapSource, Reader

    with open(path, "rb") as f:
        if f.read(7) != b"PMTiles":
            raise BasemapError(_("Not a PMTiles file: it does not start with the PMTiles mark"))
        f.seek(0)
        try:
            reader = Reader(MmapSource(f))
            header = reader.header()
            meta = reader.metadata()
        except Exception as exc:  # the reader raises whatever its parsing meets in a damaged file
            raise BasemapError(_("The PMTiles file cannot be read: %(e)s") % {"e": exc}) from exc
    if header.get("version") != 3:
        raise BasemapError(_("Only PMTiles version 3 files are read; convert it with the pmtiles tool"))
    tile_type = header["tile_type"]
    tile_format = PMTILES_TYPES.get(int(getattr(tile_type, "value", tile_type)), "pbf")
    count = header.get("addressed_tiles_count")
    return _checked(
        path, "pmtiles", tile_format, header["min_zoom"], header["max_zoom"], meta.get("attribution", ""), count
    )


def _checked(path, kind, tile_format, min_zoom, max_zoom, attribution, count) -> Basemap:
    tile_format = str(tile_format).lower()
    if tile_format not in RASTER_TYPES:
        raise BasemapError(
            _(
                "The file holds %(f)s tiles; the map shows raster tiles (PNG, JPEG or WebP). Give a raster tiles file "
                "of OpenStreetMap (for example made with gdal2tiles or mb-util, or downloaded as raster MBTiles)."
            )
            % {"f": tile_format}
        )
    if min_zoom is None or max_zoom is None:
        raise BasemapError(_("The file holds no tiles"))
    return Basemap(path, kind, tile_format, int(min_zoom), min(int(max_zoom), MAX_ZOOM), str(attribution)[:300], count)


def inspect(path: Path) -> Basemap:
    """What a tiles file holds, or BasemapError saying why it cannot be the base map."""
    if not path.is_file():
        raise BasemapError(_("No such file: %(p)s") % {"p": path})
    with open(path, "rb") as f:
        magic = f.read(16)
    if magic.startswith(b"PMTiles"):
        return _inspect_pmtiles(path)
    if magic.startswith(b"SQLite format 3"):
        return _inspect_mbtiles(path)
    raise BasemapError(_("Give an MBTiles (.mbtiles) or PMTiles (.pmtiles) file"))


def load_basemap(path: Path) -> Basemap:
    """Check the file, then copy it into the data folder as the base map, replacing any earlier one at once (a map
    being served reads either the old file or the new one, never half of one)."""
    checked = inspect(Path(path))
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"basemap.{checked.kind}"
    partial = folder / f".{target.name}.partial"
    shutil.copyfile(path, partial)
    os.replace(partial, target)
    for other in folder.glob("basemap.*"):
        if other != target:
            other.unlink()
    _open.cache_clear()
    return inspect(target)


def current() -> Basemap | None:
    """The loaded base map, if the city loaded one."""
    for path in sorted(_folder().glob("basemap.*")):
        try:
            return _open(path, path.stat().st_mtime_ns)[0]
        except (BasemapError, OSError):
            return None
    return None


@lru_cache(maxsize=2)
def _open(path: Path, mtime_ns: int):
    """The file's description and a reader, kept open while the file is unchanged."""
    info = inspect(path)
    if info.kind == "pmtiles":
        from pmtiles.reader import MmapSource, Reader

        handle = open(path, "rb")  # noqa: SIM115 — kept open for the mmap while this entry is cached
        return info, Reader(MmapSource(handle))
    return info, None


def tile(z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """One tile's bytes and type (XYZ numbering, as Leaflet asks), or None where the file has none."""
    info = current()
    if info is None or not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    _, reader = _open(info.path, info.path.stat().st_mtime_ns)
    if reader is not None:
        data = reader.get(z, x, y)
    else:
        db = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
        try:
            row = db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, 2**z - 1 - y),  # MBTiles rows count from the south (TMS)
            ).fetchone()
        finally:
            db.close()
        data = row[0] if row else None
    if not data:
        return None
    if data[:2] == b"\x1f\x8b":  # some tools gzip every tile
        data = gzip.decompress(data)
    return bytes(data), info.content_type
