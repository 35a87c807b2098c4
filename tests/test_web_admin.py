"""Plugins switched on and off in the browser, and their settings: the choice is stored,
audited and followed by the running application without a restart."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlmodel import select

from netzwerker.app import SwitchingApp
from netzwerker.deployment import load
from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.fields.models import PluginChoice, WorkingFieldRecord
from netzwerker.testing import MINIMAL_CONFIG, Web, snapshot, web_network


@pytest.fixture
def site(deployment):
    """The web interface as a server runs it: following the stored plugin choices."""
    network, overdue_id, clinic_id = web_network(deployment)
    web = Web(SwitchingApp(deployment, interval=0), deployment, network, overdue_id, clinic_id)
    yield web
    web.close()


def _audit(deployment, action: str) -> list[AuditEvent]:
    with deployment.session() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_admin_switches_a_plugin_on_and_off_and_its_pages_follow(site):
    admin = site.sign_in("admin")
    catalogue = admin.get("/admin/plugins")
    assert catalogue.status_code == 200
    assert "Alleinerziehende" in catalogue.text and "Einschalten" in catalogue.text
    assert admin.get("/single_parents/caseloads").status_code == 404

    answer = admin.post(
        "/admin/plugins/single_parents/switch", {"to": "on"}, follow_redirects=False
    )
    assert answer.status_code == 303
    page = admin.get("/admin/plugins").text
    assert "single_parents ist eingeschaltet" in page
    assert "umgeschaltet von admin" in page
    caseloads = admin.get("/single_parents/caseloads")
    assert caseloads.status_code == 200 and "Fallzahlen" in caseloads.text
    assert "Fallzahlen" in admin.get("/").text, "its navigation entry appears"
    deployment = site.deployment
    assert "single_parents" in load(deployment.folder).config.enabled_plugins
    [event] = _audit(deployment, "plugin.enable")
    assert (event.actor, event.object_id) == ("admin", "single_parents")
    with deployment.session() as session:
        assert session.get(WorkingFieldRecord, "single_parents").active

    admin.post("/admin/plugins/single_parents/switch", {"to": "off"})
    assert admin.get("/single_parents/caseloads").status_code == 404
    assert "Fallzahlen" not in admin.get("/").text
    with deployment.session() as session:
        assert not session.get(WorkingFieldRecord, "single_parents").active
        assert session.get(PluginChoice, "single_parents").enabled is False
    with deployment.engine.connect() as connection:
        assert sa.inspect(connection).has_table("single_parents_household"), "tables stay"
    assert [event.actor for event in _audit(deployment, "plugin.disable")] == ["admin"]


def test_a_plugin_that_would_not_load_is_refused_with_its_reason(site):
    admin = site.sign_in("admin")
    before = snapshot(site.deployment)
    # The test deployment declares a 'debt' field of its own: the debt plugin's collides.
    page = admin.post("/admin/plugins/debt/switch", {"to": "on"}).text
    assert "debt konnte nicht umgeschaltet werden" in page
    assert "working field &#39;debt&#39; is already contributed" in page
    assert snapshot(site.deployment) == before


def test_only_admins_switch_unless_the_deployment_lets_coordinators(site, make_deployment):
    roles = ("coordinator", "viewer", "partner_member")
    browsers = {role: site.sign_in(role) for role in roles}  # signing in is audited
    before = snapshot(site.deployment)
    for role in roles:
        browser = browsers[role]
        assert "/admin/plugins" not in browser.get("/").text
        refused = browser.get("/admin/plugins")
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        posted = browser.post("/admin/plugins/single_parents/switch", {"to": "on"})
        assert posted.status_code == 403
    assert snapshot(site.deployment) == before

    config = MINIMAL_CONFIG + "\n[web]\ncoordinators_switch_plugins = true\n"
    (site.deployment.folder / "deployment.toml").write_text(config, encoding="utf-8")
    allowed = Web(
        SwitchingApp(load(site.deployment.folder), interval=0),
        site.deployment,
        site.network,
        site.overdue_task_id,
        site.clinic_task_id,
    )
    coordinator = allowed.sign_in("coordinator")
    assert "/admin/plugins" in coordinator.get("/").text
    answer = coordinator.post(
        "/admin/plugins/single_parents/switch", {"to": "on"}, follow_redirects=False
    )
    assert answer.status_code == 303
    allowed.close()


def test_plugin_settings_are_checked_by_their_class_and_take_effect(site):
    admin = site.sign_in("admin")
    page = admin.get("/admin/plugins").text
    assert re.search(r'name="max_wait_days"[^>]*value="14"', page)
    bad = admin.post(
        "/admin/plugins/health/settings",
        {
            "max_wait_days": "0",
            "chain_max_days.consent": "zwei",
            "chain_circle": "suchtarbeitskreis",
        },
    )
    assert bad.status_code == 422
    assert "Bitte eine ganze Zahl angeben." in bad.text
    assert 'value="zwei"' in bad.text
    fields = re.findall(
        r'<input id="([^"]+)" name="\1" type="(?:number|text)" value="([^"]*)"', page
    )
    form = dict(fields)
    before = snapshot(site.deployment)
    zero = admin.post("/admin/plugins/health/settings", {**form, "max_wait_days": "0"})
    assert zero.status_code == 422 and "Bitte 1 oder mehr angeben." in zero.text
    assert snapshot(site.deployment) == before
    form["max_wait_days"] = "21"
    answer = admin.post("/admin/plugins/health/settings", form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert load(site.deployment.folder).plugin_settings("health").max_wait_days == 21
    admin.get("/admin/plugins")  # the application follows the choice
    assert site.app.deployment.plugin_settings("health").max_wait_days == 21
    [event] = _audit(site.deployment, "plugin.settings")
    assert event.changes["max_wait_days"] == [None, 21]
