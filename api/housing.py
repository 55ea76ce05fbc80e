"""Housing: endpoints (see api/goods.py for the pattern)."""

urlpatterns: list = []
