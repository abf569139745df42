import pytest

from tests.lists import seed


@pytest.fixture
def lw(world):
    """The world with the standard categories seeded."""
    seed(world.alliance.id)
    return world
