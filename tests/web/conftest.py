from tests.web.fixtures import scene  # noqa: F401 (fixture)
