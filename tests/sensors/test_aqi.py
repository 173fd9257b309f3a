"""VN_AQI by hand: breakpoint interpolation, the NowCast, and the levels of Decision 1459/QĐ-TCMT."""

import pytest

from ioc.sensors.aqi import level, nowcast, sub_index, vn_aqi


@pytest.mark.parametrize(
    ("pollutant", "c", "aqi"),
    [
        ("pm25", 0, 0),
        ("pm25", 25, 50),
        ("pm25", 35, 70),
        ("pm25", 50, 100),
        ("pm25", 65, 125),
        ("pm25", 80, 150),
        ("pm25", 115, 175),
        ("pm25", 600, 500),
        ("pm10", 50, 50),
        ("pm10", 200, 125),
        ("pm10", 385, 250),
        ("pm10", 600, 500),
    ],
)
def test_sub_index(pollutant, c, aqi):
    # e.g. PM2.5 35 µg/m³: (100 − 50) / (50 − 25) × (35 − 25) + 50 = 70
    assert sub_index(pollutant, c) == aqi


def test_overall_is_the_worst_pollutant_with_its_level():
    result = vn_aqi({"pm25": 35, "pm10": 200})
    assert result["aqi"] == 125 and result["pollutant"] == "pm10" and result["level"] == "Poor"
    assert level(50) == ("Good", "#00e400") and level(301)[0] == "Hazardous"
    assert vn_aqi({}) is None


def test_nowcast():
    assert nowcast([20.0] * 12) == pytest.approx(20.0)
    # Weight = max(10/40, 0.5) = 0.5: (40 + 0.5×20 + 0.25×10) / (1 + 0.5 + 0.25) = 52.5 / 1.75 = 30
    assert nowcast([40.0, 20.0, 10.0]) == pytest.approx(30.0)
    assert nowcast([40.0, None, None, 10.0]) is None  # 2 of the 3 latest hours are needed


def test_negative_concentrations_are_refused():
    with pytest.raises(ValueError):
        sub_index("pm25", -1)
