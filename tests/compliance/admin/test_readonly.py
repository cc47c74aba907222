"""Nothing can be edited or deleted in the admin, by anyone: the log and every read model
have no add, change or delete permission and no bulk action, superusers included."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from compliance.models import Matter
from events.models import StoredEvent
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db

EDITABLE = {Matter}  # access-control settings, for admins; not facts, not read models
CONFIG_APPS = {"auth", "authtoken", "django_celery_beat"}  # users, groups, tokens, schedules


def facts_and_views() -> list[Any]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model not in EDITABLE and model._meta.app_label not in CONFIG_APPS
        and not model._meta.model_name.startswith("report")
    ]  # fmt: skip


def test_every_registered_log_and_read_model_is_read_only_even_for_a_superuser() -> None:
    root = User.objects.create_superuser("root", "root@example.org", "pw")
    request = RequestFactory().get("/admin/")
    request.user = root
    checked = facts_and_views()
    assert {m._meta.model_name for m, _ in checked} >= {
        "storedevent", "ledgerentry", "projectioncheckpoint", "party", "investmentposition",
        "proceeding", "deadline", "riskfinding",
    }  # fmt: skip
    for model, model_admin in checked:
        name = model._meta.label
        assert not model_admin.has_add_permission(request), name
        assert not model_admin.has_change_permission(request), name
        assert not model_admin.has_delete_permission(request), name
        assert not model_admin.get_actions(request), name


def test_posting_to_an_event_page_or_its_delete_page_changes_nothing(world: World) -> None:
    root = User.objects.create_superuser("root2", "r@example.org", "pw")
    client = Client()
    client.force_login(root)
    row = StoredEvent.objects.filter(stream_id=world.a.investment).order_by("seq").first()
    assert row is not None
    before = (row.data, row.metadata, row.hash)
    change = client.post(f"/admin/events/storedevent/{row.seq}/change/", {"type": "Forged"})
    assert change.status_code == 403
    delete = client.post(f"/admin/events/storedevent/{row.seq}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    bulk = client.post(
        "/admin/events/storedevent/",
        {"action": "delete_selected", "_selected_action": [row.seq], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    row.refresh_from_db()
    assert (row.data, row.metadata, row.hash) == before
    page = client.get(f"/admin/events/storedevent/{row.seq}/change/").content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page


def test_read_model_pages_offer_no_edit_controls(world: World) -> None:
    root = User.objects.create_superuser("root3", "r3@example.org", "pw")
    client = Client()
    client.force_login(root)
    for url in ["/admin/compliance/party/", "/admin/compliance/riskfinding/",
                "/admin/compliance/deadline/", "/admin/events/storedevent/"]:  # fmt: skip
        page = client.get(url).content.decode()
        assert 'name="action"' not in page, url  # no bulk actions
        assert f'href="{url}add/"' not in page, url
