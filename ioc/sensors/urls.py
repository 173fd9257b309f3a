from django.urls import include, path, re_path

from ioc.sensors.api import ngsild as views
from ioc.sensors.api import ngsild_discovery as views_discovery
from ioc.sensors.api import ngsild_subscriptions as views_subscriptions
from ioc.sensors.api import ngsild_temporal as views_temporal
from ioc.sensors.views import staff as views_ui

ENTITY = r"(?P<entity_id>[^/]*)"  # an empty id reaches the view, which reports it (400), not a 404
app_name = "sensors"
urlpatterns = [
    path("dashboard/sensors/", views_ui.device_list, name="devices"),
    path("dashboard/sensors/<int:pk>/", views_ui.device_detail, name="device"),
    path("dashboard/sensors/<int:pk>/edit/", views_ui.device_edit, name="device_edit"),
    path("dashboard/sensors/<int:pk>/rules/", views_ui.rule_add, name="rule_add"),
    path("dashboard/sensors/<int:pk>/rules/<int:rule_pk>/delete/", views_ui.rule_delete, name="rule_delete"),
    path("dashboard/sensors/import/", views_ui.device_import, name="device_import"),
    # NGSI-LD clients (and ETSI's suite) write resource URIs with or without a trailing slash: both are routed.
    re_path(r"^ngsi-ld/v1/entities/?$", views.entities, name="entities"),
    re_path(rf"^ngsi-ld/v1/entities/{ENTITY}/attrs/(?P<name>[^/]+)/?$", views.attr, name="attr"),
    re_path(rf"^ngsi-ld/v1/entities/{ENTITY}/attrs/?$", views.attrs, name="attrs"),
    re_path(rf"^ngsi-ld/v1/entities/{ENTITY}/?$", views.entity, name="entity"),
    re_path(r"^ngsi-ld/v1/entityOperations/(?P<operation>[^/]+)/?$", views.batch, name="batch"),
    re_path(r"^ngsi-ld/v1/subscriptions/?$", views_subscriptions.subscription_list, name="subscriptions"),
    re_path(
        r"^ngsi-ld/v1/subscriptions/(?P<sub_id>[^/]+)/?$", views_subscriptions.subscription_detail, name="subscription"
    ),
    re_path(
        r"^ngsi-ld/v1/temporal/entityOperations/(?P<operation>[^/]+)/?$",
        views_temporal.temporal_operations,
        name="temporal_operations",
    ),
    re_path(r"^ngsi-ld/v1/temporal/entities/?$", views_temporal.temporal_entities, name="temporal_entities"),
    re_path(rf"^ngsi-ld/v1/temporal/entities/{ENTITY}/?$", views_temporal.temporal_entity, name="temporal_entity"),
    re_path(rf"^ngsi-ld/v1/temporal/entities/{ENTITY}/attrs/?$", views_temporal.temporal_attrs, name="temporal_attrs"),
    re_path(
        rf"^ngsi-ld/v1/temporal/entities/{ENTITY}/attrs/(?P<name>[^/]+)/?$",
        views_temporal.temporal_attr,
        name="temporal_attr",
    ),
    re_path(
        rf"^ngsi-ld/v1/temporal/entities/{ENTITY}/attrs/(?P<name>[^/]*)/(?P<instance_id>[^/]+)/?$",
        views_temporal.temporal_instance,
        name="temporal_instance",
    ),
    re_path(r"^ngsi-ld/v1/types/?$", views_discovery.types, name="types"),
    re_path(r"^ngsi-ld/v1/types/(?P<name>.+?)/?$", views_discovery.type_detail, name="type"),
    re_path(r"^ngsi-ld/v1/attributes/?$", views_discovery.attributes, name="attributes"),
    re_path(r"^ngsi-ld/v1/attributes/(?P<name>.+?)/?$", views_discovery.attribute_detail, name="attribute"),
    # Anything else under /ngsi-ld/ is an NGSI-LD error, not the site's HTML 404.
    re_path(r"^ngsi-ld/(?P<rest>.*)$", views.unknown_resource, name="unknown"),
]


def include_urls():
    return [path("", include((urlpatterns, "sensors")))]
