"""A calm map: the unit choice zooms and filters every layer, the choice survives a reload, the city's own tiles
file draws streets without the internet."""

import pytest
from playwright.sync_api import expect

from ioc.core.services.alerts import record_alert
from ioc.core.services.basemap import load_basemap
from tests.conftest import PASSWORD, POINT_DOAN_KET, POINT_TAN_PHONG

pytestmark = pytest.mark.django_db(transaction=True)


def test_choosing_a_unit_zooms_filters_and_survives_a_reload(browser, live_server, users, units, login, tiles_offline):
    for name, point in (("Đoàn Kết", POINT_DOAN_KET), ("Tân Phong", POINT_TAN_PHONG)):
        record_alert(kind="core.manual", source=name, title=f"Cây đổ ở {name}", lat=point[0], lon=point[1])
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    login(page, "operator1", PASSWORD)
    page.wait_for_selector("body[data-map-ready='1']")
    expect(page.locator("body")).to_have_attribute("data-layer_core_alerts", "2")
    # Healthy assets are off when the map opens; what needs attention is on.
    expect(page.locator("[data-layer='lighting.lamps'] input")).not_to_be_checked()
    expect(page.locator("[data-layer='lighting.faults'] input")).to_be_checked()
    zoom_city = page.evaluate("window.iocMap.getZoom()")

    page.select_option("#f-unit", str(units["Tân Phong"].pk))
    expect(page.locator("body")).to_have_attribute("data-layer_core_alerts", "1")
    expect(page.locator("#feed [data-alert-id]")).to_have_count(1)
    page.wait_for_url("**unit=*")
    inside = page.evaluate("([lat, lon]) => window.iocMap.getBounds().contains([lat, lon])", list(POINT_TAN_PHONG))
    assert inside and page.evaluate("window.iocMap.getZoom()") >= zoom_city
    # A layer switched off, then a reload: the unit, the layers and the view are as they were.
    page.uncheck("[data-layer='core.incidents'] input")
    page.wait_for_url("**layers=*")
    view = page.evaluate("[window.iocMap.getCenter().lat, window.iocMap.getZoom()]")
    page.reload()
    page.wait_for_selector("body[data-map-ready='1']")
    assert page.input_value("#f-unit") == str(units["Tân Phong"].pk)
    expect(page.locator("[data-layer='core.incidents'] input")).not_to_be_checked()
    expect(page.locator("body")).to_have_attribute("data-layer_core_alerts", "1")
    lat, zoom = page.evaluate("[window.iocMap.getCenter().lat, window.iocMap.getZoom()]")
    # The same view: the same zoom, the centre within a few pixels (Leaflet snaps a restored centre to its grid).
    assert zoom == view[1] and abs(lat - view[0]) < 0.005
    page.close()


def test_the_city_tiles_file_draws_the_base_map_offline(
    browser, live_server, users, login, tiles_offline, settings, tmp_path
):
    from tests.core.test_basemap import make_mbtiles, png

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    # A few tiles around the city at the zooms the map opens with (x, y of Lai Châu: 3225, 1786 at zoom 12).
    around = {12: (3225, 1786), 13: (6450, 3572)}
    tile = png((220, 220, 200))
    tiles = {(z, x + dx, y + dy): tile for z, (x, y) in around.items() for dx in range(-3, 4) for dy in range(-3, 4)}
    load_basemap(make_mbtiles(tmp_path / "laichau.mbtiles", tiles=tiles))
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    login(page, "operator1", PASSWORD)
    page.wait_for_selector("body[data-map-ready='1']")
    expect(page.locator("img.leaflet-tile-loaded[src*='/basemap/']").first).to_be_visible()
    expect(page.locator("#map-note")).to_be_hidden()  # nothing failed to load
    page.close()
