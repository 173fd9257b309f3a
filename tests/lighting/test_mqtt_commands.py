"""Commands to lamp controllers through a real Mosquitto: published by the worker's job, answered by a
controller on the ack topic, taken in by `ioc ingest-mqtt` (the lighting domain's MQTT handlers)."""

import json
import threading
import time

import paho.mqtt.client as mqtt
import pytest

from ioc.lighting.commands import dispatch_due
from ioc.lighting.models import Command, Lamp
from ioc.lighting.services import set_override
from tests.sensors.test_mqtt import broker, run_worker, wait_until  # noqa: F401 (the broker fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def controller(port, obey=True):
    """Lamp controllers: take every command; acknowledge it (and report the new level) when they obey."""
    seen = []
    subscribed = threading.Event()

    def on_message(client, userdata, message):
        lamp = message.topic.split("/")[2]
        command = json.loads(message.payload)
        seen.append((lamp, command))
        if obey:
            client.publish(f"ioc/lighting/{lamp}/ack", json.dumps({"id": command["id"]}), qos=1)
            client.publish(
                f"ioc/lighting/{lamp}/telemetry",
                json.dumps({"on": command["level"] > 0, "level": command["level"], "power_w": command["level"]}),
                qos=1,
            )

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"ctrl-{time.monotonic_ns()}")
    client.on_message = on_message
    client.on_subscribe = lambda *args: subscribed.set()
    client.on_connect = lambda c, *a: c.subscribe("ioc/lighting/+/command", qos=1)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.subscribed = subscribed
    return client, seen


def test_override_goes_out_and_acknowledgements_come_back(broker, network, users, settings):  # noqa: F811
    settings.IOC = {**settings.IOC, "MQTT_HOST": "127.0.0.1", "MQTT_PORT": broker.port}
    client, seen = controller(broker.port)
    worker, stop, thread = run_worker(broker.port)
    try:
        assert client.subscribed.wait(20) and worker.subscribed.wait(20)
        set_override(network["circuits"]["minor"], 40, 30, users["operator"], "thử MQTT")
        assert dispatch_due() == 5
        assert wait_until(lambda: Command.objects.filter(status="acked").count() == 5)
        assert sorted(lamp for lamp, _c in seen) == sorted(lamp.code for lamp in network["lamps"]["minor"])
        assert wait_until(lambda: Lamp.objects.filter(circuit__road_class="minor", power_w=40).count() == 5)
        assert set(Lamp.objects.filter(circuit__road_class="minor").values_list("level", flat=True)) == {40}
        assert dispatch_due() == 0  # nothing left to send
    finally:
        stop.set()
        thread.join(10)
        client.loop_stop()


def test_an_acknowledgement_is_never_overwritten_by_a_late_sent_mark(network, users):
    """A fast controller may acknowledge before the dispatcher marks its batch sent: the command stays acknowledged."""
    from ioc.lighting import services

    set_override(network["circuits"]["minor"], 40, 30, users["operator"], "nhanh")
    command = Command.objects.select_related("lamp").first()
    assert services.acknowledge(command.pk, command.lamp.code)
    services.mark_sent([command])
    command.refresh_from_db()
    assert command.status == "acked"


def test_a_too_deep_mqtt_message_goes_to_dead_letters_alone(network):
    """One over-deep message is dead-lettered with its reason; the good message beside it is still applied."""
    from ioc.core.models import DeadLetter
    from ioc.core.mqtt import Message, MqttConsumer

    command = Command.objects.create(lamp=network["lamps"]["minor"][0], level=40)
    topic = f"ioc/lighting/{command.lamp.code}/ack"
    MqttConsumer(client_id="test-deep").process(
        [
            Message(topic=topic, payload=b"[" * 40 + b"1" + b"]" * 40),
            Message(topic=topic, payload=json.dumps({"id": command.pk}).encode()),
        ]
    )
    command.refresh_from_db()
    assert command.status == "acked"
    assert list(DeadLetter.objects.values_list("topic", flat=True)) == [topic]
    assert "nested deeper" in DeadLetter.objects.get().reason
