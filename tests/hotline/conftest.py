"""The hotline tests use the feedback categories (a call can become a citizen report)."""

from tests.feedback.conftest import categories  # noqa: F401
