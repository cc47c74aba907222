"""The REST API (Django REST framework), mounted at /api/v1/. See docs/api.md."""
