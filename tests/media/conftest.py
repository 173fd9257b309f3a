import pytest

from tests.media.site import Site


@pytest.fixture
def site(settings):
    settings.IOC_MEDIA_HOST_DELAY_S = 0.2  # politeness is tested with this shortened delay
    settings.IOC_MEDIA_PRIVATE_HOSTS = ["127.0.0.1"]  # the local site, as a city's intranet portal would be
    served = Site()
    yield served
    served.close()


@pytest.fixture(autouse=True)
def _classifier_from_this_tests_labels():
    """Labels are rolled back between tests: the classifier is trained again from what this test has."""
    from ioc.media import stories, tone

    tone.forget()
    stories.forget()  # and the story grouping's document frequencies, from this test's articles only
    yield
    tone.forget()
    stories.forget()
