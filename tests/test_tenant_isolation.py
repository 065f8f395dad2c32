"""Tenant isolation, proven: a member of store A can neither read nor change store B's data.

The walk covers every route of the URL configuration, so a new route is checked without
editing this file; see tests/isolation/walker.py for the registry of parameters.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.isolation.walker import PUBLIC_ROUTES, build_world, walk

pytestmark = pytest.mark.django_db


def test_no_route_lets_store_a_reach_store_b() -> None:
    world = build_world()
    report = walk(world)
    assert not report.violations, "\n".join(str(v) for v in report.violations)
    # The walk really went everywhere that matters (a vacuous walk would pass too).
    for route in (
        "dashboard:store",
        "dashboard:team",
        "dashboard:invite",
        "dashboard:change_role",
        "dashboard:remove_member",
        "dashboard:revoke_invitation",
        "dashboard:settings",
        "accept_invitation",
        "api:members",
    ):
        assert route in report.denied, f"{route} was not walked as a store-bound route"
    for route in (
        "healthz",
        "account_login",
        "dashboard:home",
        "api:my_stores",
        "api:openapi-json",
        *PUBLIC_ROUTES,
    ):
        assert (route, "GET") in report.checked, f"{route} was not walked"


def test_the_markers_are_real_for_b_itself() -> None:
    """The private markers do appear to B's own owner, so their absence for A means something."""
    world = build_world()
    client = Client()
    client.force_login(world.b_owner)
    page = client.get(f"/en/dashboard/{world.b.slug}/team/").content.decode()
    # B's people, all but the secret (which no page shows); the apps' markers have their own tests.
    for marker in world.private_markers[1:5]:
        assert marker in page
    api = client.get(f"/api/v1/stores/{world.b.slug}/members").content.decode()
    assert world.b_agent.email in api


def test_the_walk_catches_an_unscoped_view() -> None:
    world = build_world()
    report = walk(world, urlconf="tests.isolation.urls_with_canary")
    caught = {v.route for v in report.violations}
    assert caught == {"canary_team_emails"}, "\n".join(str(v) for v in report.violations)
    problems = {(v.method, v.problem.split(":")[0]) for v in report.violations}
    assert ("GET", "shows B's private data") in problems
    assert ("GET", "answered 200 instead of refusing") in problems


def test_a_route_with_an_unknown_parameter_fails_the_walk() -> None:
    world = build_world()
    report = walk(world, urlconf="tests.isolation.urls_with_unknown_param")
    assert [str(v) for v in report.violations] == [
        "- /widgets/<int:widget_id>/ [widget]: no way to build parameter 'widget_id': "
        "register how to build it in PARAMETERS in tests/isolation/walker.py"
    ]
