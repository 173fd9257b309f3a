"""Raw readings in monthly partitions on PostgreSQL (see ioc.sensors.partitions); nothing changes on SQLite."""

from django.db import migrations


def forward(apps, schema_editor):
    from ioc.sensors import partitions

    if partitions.supported(schema_editor.connection):
        partitions.convert_to_partitions(schema_editor.connection)


def backward(apps, schema_editor):
    from ioc.sensors import partitions

    if partitions.supported(schema_editor.connection) and partitions.partitioned(schema_editor.connection):
        partitions.convert_back(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("sensors", "0010_attribute_deletions")]

    operations = [migrations.RunPython(forward, backward)]
