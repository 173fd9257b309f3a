"""Periodic jobs of street lighting that combine more than one service call."""

from ioc.lighting.services import evaluate_faults
from ioc.sensors.selectors import current_weather


def evaluate_faults_now() -> dict:
    """Every lamp's and cabinet's faults, judged with the weather the sensors report now (fog lights lamps by day)."""
    weather = current_weather()
    return evaluate_faults(weather={**weather} if any(v is not None for v in weather.values()) else None)
