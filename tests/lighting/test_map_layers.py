"""The lighting layers on the map: only what is wrong by default, filtered by the unit chosen, and a ward officer
sees their own ward's lamps only."""

from ioc.core.selectors import Filters
from ioc.lighting import selectors
from ioc.lighting.models import Lamp


def test_the_faults_layer_holds_only_lamps_and_cabinets_in_fault(network, users):
    assert selectors.faults_geojson(users["operator"])["features"] == []
    lamp = network["lamps"]["main"][0]
    Lamp.objects.filter(pk=lamp.pk).update(fault="out")
    network["cabinet"].door_open = True
    network["cabinet"].save()
    titles = [f["properties"]["title"] for f in selectors.faults_geojson(users["operator"])["features"]]
    assert len(titles) == 2 and lamp.code in titles[0] and "TD01" in titles[1]


def test_lamp_layers_follow_the_chosen_unit_and_the_ward_officers_scope(network, users, units):
    everything = len(selectors.lamps_geojson(users["operator"])["features"])
    assert everything == 10
    in_ward = selectors.lamps_geojson(users["operator"], Filters(unit=units["Đoàn Kết"].pk))["features"]
    elsewhere = selectors.lamps_geojson(users["operator"], Filters(unit=units["Tân Phong"].pk))["features"]
    assert len(in_ward) == 10 and elsewhere == []
    assert len(selectors.lamps_geojson(users["ward_officer"])["features"]) == 10  # the cabinet is in Đoàn Kết
    network["cabinet"].unit = units["Tân Phong"]
    network["cabinet"].save()
    assert selectors.lamps_geojson(users["ward_officer"])["features"] == []
    assert selectors.cabinets_geojson(users["ward_officer"])["features"] == []
    assert selectors.lamp_counts(None, users["ward_officer"])["total"] == 0  # the KPI tiles count the same
    assert selectors.lamp_counts(None, users["operator"])["total"] == 10
