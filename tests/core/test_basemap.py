"""The offline base map: a tiles file the test builds (MBTiles and PMTiles), loaded with `ioc load-basemap` and
served to the maps without the internet."""

import io
import sqlite3

import pytest
from PIL import Image

from ioc.core import selectors
from ioc.core.services.basemap import BasemapError, load_basemap
from tests.core.test_cli import run_ioc

# The tile over Lai Châu city at zoom 12 (x, y in the XYZ numbering Leaflet asks for).
Z, X, Y = 12, 3225, 1786


def png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_mbtiles(path, tile_format="png", tiles=None):
    tiles = tiles if tiles is not None else {(Z, X, Y): png((200, 30, 30)), (0, 0, 0): png((30, 30, 200))}
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name text, value text)")
    db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [("name", "Lai Châu"), ("format", tile_format), ("attribution", "© OpenStreetMap contributors (test)")],
    )
    for (z, x, y), data in tiles.items():
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
    db.commit()
    db.close()
    return path


def make_pmtiles(path):
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    tiles = {(0, 0, 0): png((30, 30, 200)), (Z, X, Y): png((30, 160, 30))}
    with open(path, "wb") as f:
        writer = Writer(f)
        for (z, x, y), data in sorted(tiles.items(), key=lambda item: zxy_to_tileid(*item[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_zoom": 0,
                "max_zoom": Z,
                "min_lon_e7": 1033000000,
                "min_lat_e7": 223000000,
                "max_lon_e7": 1036000000,
                "max_lat_e7": 225000000,
                "center_zoom": Z,
                "center_lon_e7": 1034580000,
                "center_lat_e7": 223960000,
            },
            {"attribution": "© OpenStreetMap contributors (pmtiles test)"},
        )
    return path


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    """Each test its own data folder: a base map loaded here must not reach other tests' maps."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


def colour_of(content: bytes):
    return Image.open(io.BytesIO(content)).getpixel((10, 10))


def test_the_command_loads_mbtiles_and_the_maps_serve_them(tmp_path, settings, client, city):
    source = make_mbtiles(tmp_path / "laichau.mbtiles")
    result = run_ioc("load-basemap", str(source), data_dir=settings.DATA_DIR)
    assert result.returncode == 0, result.stderr
    assert "MBTILES, 2 tiles, PNG, zoom 0–12" in result.stdout
    response = client.get(f"/basemap/{Z}/{X}/{Y}")  # anonymous: the citizens' report map needs it too
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert colour_of(response.content) == (200, 30, 30)  # the right tile: MBTiles rows are flipped
    assert client.get(f"/basemap/{Z}/{X + 1}/{Y}").status_code == 404
    assert client.get("/basemap/40/0/0").status_code == 404
    config = selectors.base_map()
    assert config["tileUrl"] == "/basemap/{z}/{x}/{y}" and config["tileMaxZoom"] == 12
    assert "(test)" in config["tileAttribution"]


def test_pmtiles_replace_the_earlier_file(tmp_path, settings, client, city):
    load_basemap(make_mbtiles(tmp_path / "old.mbtiles"))
    info = load_basemap(make_pmtiles(tmp_path / "laichau.pmtiles"))
    assert (info.kind, info.tile_format, info.max_zoom) == ("pmtiles", "png", Z)
    assert sorted(p.name for p in (settings.DATA_DIR / "basemap").iterdir()) == ["basemap.pmtiles"]
    assert colour_of(client.get(f"/basemap/{Z}/{X}/{Y}").content) == (30, 160, 30)
    assert "pmtiles test" in selectors.base_map()["tileAttribution"]


def test_files_that_cannot_be_the_base_map_are_refused_clearly(tmp_path, settings):
    with pytest.raises(BasemapError, match="raster tiles"):
        load_basemap(make_mbtiles(tmp_path / "vector.mbtiles", tile_format="pbf"))
    with pytest.raises(BasemapError, match="no tiles"):
        load_basemap(make_mbtiles(tmp_path / "empty.mbtiles", tiles={}))
    text = tmp_path / "notes.txt"
    text.write_text("not tiles")
    result = run_ioc("load-basemap", str(text), data_dir=settings.DATA_DIR)
    assert result.returncode == 2 and "Hãy dùng tệp MBTiles (.mbtiles) hoặc PMTiles" in result.stderr  # in Vietnamese
    assert "Traceback" not in result.stderr
    assert not (settings.DATA_DIR / "basemap").exists() or not any((settings.DATA_DIR / "basemap").iterdir())
