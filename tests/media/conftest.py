import pytest

from tests.media.site import Site


@pytest.fixture
def site(settings):
    settings.IOC_MEDIA_HOST_DELAY_S = 0.2  # politeness is tested with this shortened delay
    served = Site()
    yield served
    served.close()
