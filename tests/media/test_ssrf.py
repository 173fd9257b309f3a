"""An officer's link or a source's redirect cannot make the IOC fetch from inside its own network (SSRF)."""

import pytest

from ioc.media.fetcher import FetchError, check_address
from ioc.media.models import Article


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin/",
        "http://localhost/",
        "http://10.1.2.3/camera.jpg",
        "http://192.168.1.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
    ],
)
def test_private_addresses_are_refused(settings, url):
    settings.IOC_MEDIA_PRIVATE_HOSTS = []
    with pytest.raises(FetchError, match="private"):
        check_address(url)


def test_a_submitted_link_to_the_server_itself_is_refused(site, settings, users, client_for):
    settings.IOC_MEDIA_PRIVATE_HOSTS = []
    site.page("/admin/", "<html><body><p>bí mật</p></body></html>")
    page = (
        client_for(users["operator"])
        .post("/dashboard/media/submit/", {"url": f"{site.base}/admin/"}, follow=True)
        .content.decode()
    )
    assert "mạng nội bộ" in page and site.hits("/admin/") == 0 and Article.objects.count() == 0


def test_a_redirect_into_the_private_network_is_refused(site, settings, users, client_for):
    # 127.0.0.1 is a site the city allowed (its intranet portal); its redirect to another private name is not.
    port = site.server.server_port
    site.routes["/public/a.html"] = (
        302,
        {"Location": f"http://localhost:{port}/secret/", "Content-Type": "text/html"},
        b"",
    )
    site.page("/secret/", "<html><body><p>bí mật</p></body></html>")
    page = (
        client_for(users["operator"])
        .post("/dashboard/media/submit/", {"url": f"{site.base}/public/a.html"}, follow=True)
        .content.decode()
    )
    assert "mạng nội bộ" in page and site.hits("/public/a.html") == 1 and site.hits("/secret/") == 0
