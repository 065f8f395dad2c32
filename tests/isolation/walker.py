"""The tenant-isolation walker: every URL pattern, requested by store A's owner against store B.

`walk()` discovers the routes from the URL configuration (includes, i18n prefixes and the
ninja API alike), fills their parameters with store B's objects from `PARAMETERS`, requests
each one as A's owner and returns what went wrong. A route whose parameter the registry
cannot build is itself a violation, so no new route escapes the walk silently.
"""

from __future__ import annotations

import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.utils import translation
from django.utils.http import int_to_base36
from django.utils.regex_helper import normalize

from dukkan.accounts import services
from dukkan.accounts.models import Invitation, Membership, Role, User
from dukkan.accounts.selectors import invitation_token
from dukkan.core.models import Store

REGISTER_HINT = "register how to build it in PARAMETERS in tests/isolation/walker.py"


@dataclass
class World:
    """Two stores. A's owner is the intruder; B holds the private data that must not leak."""

    a: Store
    a_owner: User
    b: Store
    b_owner: User
    b_agent: User
    b_agent_membership: Membership
    b_invitation: Invitation
    # B's objects made by the apps' extensions (tests/isolation/apps/*.py), by name.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def private_markers(self) -> list[str]:
        """Strings that only B's team may ever see."""
        return [
            self.b.secret,
            self.b_owner.email,
            self.b_agent.email,
            self.b_agent.display_name,
            self.b_invitation.email,
            *(
                m
                for ext in EXTENSIONS
                if hasattr(ext, "private_markers")
                for m in ext.private_markers(self)
            ),
        ]


def _extensions() -> list[ModuleType]:
    """Each app's part of the walk, in tests/isolation/apps/<app>.py. A module may define:

    - `build(world)`: make B's (and A's) objects and put them in `world.extra`;
    - `PARAMETERS`, `PUBLIC_ROUTES`, `FORM_PAYLOAD`: merged into the tables below;
    - `private_markers(world)`: strings of B's that must never reach A;
    - `snapshot(world)`: B's rows that no request by A may change.
    """
    from tests.isolation import apps

    return [
        import_module(f"{apps.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(apps.__path__), key=lambda i: i.name)
    ]


EXTENSIONS = _extensions()


def build_world() -> World:
    def person(email: str, name: str = "") -> User:
        return User.objects.create_user(email=email, password=None, display_name=name)

    a_owner = person("alpha-owner@alpha.example")
    a = services.create_store(owner=a_owner, name="Alpha", slug="alpha")
    b_owner = person("bravo-owner-7q2x@bravo-private.example")
    b = services.create_store(owner=b_owner, name="Bravo", slug="bravo")
    b_agent = person("bravo-agent-3k9w@bravo-private.example", "Bravo Agent Zephyrine")
    b_agent_membership = services.add_member(store=b, user=b_agent, role=Role.AGENT)
    owner_membership = Membership.objects.get(store=b, user=b_owner)
    b_invitation = services.invite(
        actor=owner_membership, email="bravo-invitee-8m4r@bravo-private.example", role=Role.ADMIN
    )
    world = World(a, a_owner, b, b_owner, b_agent, b_agent_membership, b_invitation)
    for ext in EXTENSIONS:
        if hasattr(ext, "build"):
            ext.build(world)
    return world


def forged_invitation_token(world: World) -> str:
    real = invitation_token(world.b_invitation)
    return real[:-6] + ("A" * 6 if not real.endswith("A" * 6) else "B" * 6)


@dataclass(frozen=True)
class Param:
    """How to fill one URL parameter, and whether the value points at store B's data."""

    build: Callable[[World], str]
    store_bound: bool
    why: str
    own: Callable[[World], str] | None = None  # A's own value, to mix with B's other values


# Keyed by the parameter's name in the URL pattern. A store-bound parameter makes the route
# one that must refuse A's owner (403/404/405/410, or send them to a login page).
PARAMETERS: dict[str, Param] = {
    "store_slug": Param(
        lambda w: w.b.slug,
        True,
        "the store a dashboard or API route acts on",
        own=lambda w: w.a.slug,
    ),
    "membership_id": Param(
        lambda w: str(w.b_agent_membership.pk),
        True,
        "B's agent (not its last owner, so a missing check would really change it)",
    ),
    "invitation_id": Param(lambda w: str(w.b_invitation.pk), True, "B's open invitation"),
    "token": Param(
        forged_invitation_token,
        True,
        "an invitation link is a secret mailed to the invitee; A can only forge one for B's invitation",
    ),
    "object_id": Param(lambda w: str(w.b.pk), True, "admin object pages, aimed at B's rows"),
    "id": Param(lambda w: str(w.b_owner.pk), True, "admin password page of B's owner"),
    "content_type_id": Param(
        lambda w: str(ContentType.objects.get_for_model(Store).pk),
        False,
        "admin's view-on-site shortcut; object_id points at B",
    ),
    "app_label": Param(lambda w: "accounts", False, "admin app index"),
    "url": Param(lambda w: "no/such/page/", False, "admin's catch-all"),
    "key": Param(lambda w: "not-a-real-key", False, "allauth email and password-reset keys"),
    "uidb36": Param(
        lambda w: int_to_base36(w.b_owner.pk), False, "allauth password reset, aimed at B's owner"
    ),
}

# Routes that are public on purpose: they may answer 200 for store B, never with B's private data.
PUBLIC_ROUTES: dict[str, str] = {
    "store_home": "a store's public home page is for every visitor",
    "api:get_store": "the public part of a store (name, currency, hours) in the API",
}

for _ext in EXTENSIONS:
    PARAMETERS.update(getattr(_ext, "PARAMETERS", {}))
    PUBLIC_ROUTES.update(getattr(_ext, "PUBLIC_ROUTES", {}))

# Where a refused visitor may be sent.
LOGIN_ROUTES = {"account_login", "admin:login"}

# What a careless view would need to change B: valid values for every form in the dashboard.
FORM_PAYLOAD: dict[str, str] = {
    "email": "intruder@alpha.example",
    "role": Role.ADMIN,
    "name": "Taken over",
    "slug": "taken-over",
    "tagline": "Taken over",
    "description": "Taken over",
    "default_language": "en",
    "currency": "USD",
    "time_zone": "UTC",
    "weekend": "fri_sat",
    "language": "en",
    "next": "/",
    **{
        f"store-{k}": v
        for k, v in {
            "name": "Taken over",
            "slug": "bravo",
            "tagline": "Taken over",
            "description": "Taken over",
            "default_language": "en",
            "currency": "USD",
            "time_zone": "UTC",
            "weekend": "fri_sat",
        }.items()
    },
}

for _ext in EXTENSIONS:
    FORM_PAYLOAD.update(getattr(_ext, "FORM_PAYLOAD", {}))

READ_METHODS = ["GET"]
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself for unnamed routes
    pattern: str
    format: str  # the path with %(param)s placeholders
    params: tuple[str, ...]
    converters: dict[str, Any]
    callback: Callable[..., Any]

    @property
    def is_api(self) -> bool:
        return getattr(self.callback, "__module__", "").startswith("ninja")


@dataclass(frozen=True)
class Violation:
    route: str
    method: str
    url: str
    problem: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} [{self.route}]: {self.problem}"


@dataclass
class WalkReport:
    violations: list[Violation] = field(default_factory=list)
    checked: set[tuple[str, str]] = field(default_factory=set)  # (route, method)
    denied: set[str] = field(default_factory=set)  # store-bound routes, all methods refused
    shadowed: list[str] = field(default_factory=list)  # patterns an earlier one always wins over


def discover(urlconf: str | None = None) -> Iterator[Route]:
    """Every endpoint of the URL configuration, with its full path format."""

    def visit(
        patterns: list[URLPattern | URLResolver],
        fmt: str,
        params: tuple[str, ...],
        converters: dict[str, Any],
        namespace: str,
        shown: str,
    ) -> Iterator[Route]:
        for entry in patterns:
            bits, names = normalize(entry.pattern.regex.pattern)[0]
            here_fmt, here_params = fmt + bits, params + tuple(names)
            here_conv = {
                **converters,
                **(entry.pattern.converters if isinstance(entry.pattern, RoutePattern) else {}),
            }
            here_shown = shown + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from visit(
                    entry.url_patterns, here_fmt, here_params, here_conv, ns, here_shown
                )
            else:
                name = f"{namespace}{entry.name}" if entry.name else here_shown
                yield Route(name, here_shown, here_fmt, here_params, here_conv, entry.callback)

    with translation.override("en"):
        yield from visit(get_resolver(urlconf).url_patterns, "/", (), {}, "", "/")


def snapshot(world: World) -> Any:
    """B's rows that no request by A may change."""

    def rows(model: type[Model], **lookup: Any) -> list[tuple[Any, ...]]:
        return [
            tuple(row.values())
            for row in model._default_manager.filter(**lookup).order_by("pk").values()
        ]

    people = [world.b_owner.pk, world.b_agent.pk]
    return (
        rows(Store, pk=world.b.pk),
        rows(Membership, store=world.b),
        rows(Invitation, store=world.b),
        rows(User, pk__in=people),
        *(ext.snapshot(world) for ext in EXTENSIONS if hasattr(ext, "snapshot")),
    )


def _is_login_redirect(response: HttpResponse, urlconf: str | None) -> bool:
    location = response.get("Location", "")
    try:
        match = resolve(urlsplit(location).path, urlconf=urlconf)
    except Resolver404:
        return False
    return match.view_name in LOGIN_ROUTES


def _request(client: Client, route: Route, method: str, url: str) -> HttpResponse:
    if method == "GET":
        return client.get(url)  # type: ignore[return-value]
    if route.is_api:
        return client.generic(
            method, url, json.dumps(FORM_PAYLOAD), content_type="application/json"
        )  # type: ignore[return-value]
    if method == "POST":
        return client.post(url, FORM_PAYLOAD)  # type: ignore[return-value]
    return client.generic(  # type: ignore[return-value]
        method, url, urlencode(FORM_PAYLOAD), content_type="application/x-www-form-urlencoded"
    )


def walk(world: World, urlconf: str | None = None) -> WalkReport:
    """Request every route as A's owner, aimed at B; return every way B's data got through.

    With `urlconf`, that configuration is walked and serves the requests too.
    """
    if urlconf is None:
        return _walk(world, None)
    with override_settings(ROOT_URLCONF=urlconf):
        return _walk(world, urlconf)


def _variants(route: Route, world: World) -> list[dict[str, str]]:
    """B's values for every parameter; then, for a route that names a store and an object,
    the same with A's own store, the classic hole: /dashboard/<my store>/team/<B's member>/."""
    all_b = {p: PARAMETERS[p].build(world) for p in route.params}
    variants = [all_b]
    bound = [p for p in route.params if PARAMETERS[p].store_bound]
    if len(bound) > 1:
        for p in bound:
            own = PARAMETERS[p].own
            if own is not None:
                variants.append({**all_b, p: own(world)})
    return variants


def _walk(world: World, urlconf: str | None) -> WalkReport:
    report = WalkReport()
    client = Client()
    markers = world.private_markers
    baseline = snapshot(world)
    session_key: str | None = None
    for route in discover(urlconf):
        missing = [p for p in route.params if p not in PARAMETERS]
        for name in missing:
            problem = f"no way to build parameter {name!r}: {REGISTER_HINT}"
            report.violations.append(Violation(route.name, "-", route.pattern, problem))
        if missing:
            continue
        store_bound = route.name not in PUBLIC_ROUTES and any(
            PARAMETERS[p].store_bound for p in route.params
        )
        methods = READ_METHODS + (WRITE_METHODS if store_bound or route.is_api else ["POST"])
        refused_all = True
        for values in _variants(route, world):
            url = route.format % {
                p: (route.converters[p].to_url(v) if p in route.converters else v)
                for p, v in values.items()
            }
            try:
                match = resolve(urlsplit(url).path, urlconf=urlconf)
            except Resolver404:
                problem = "the URL built for this route does not resolve"
                report.violations.append(Violation(route.name, "-", url, problem))
                continue
            if match.func is not route.callback:
                report.shadowed.append(route.pattern)
                break
            for method in methods:
                if _session_key(client) != session_key:
                    # First request, or the last route signed A out or rotated the session.
                    client.force_login(world.a_owner)
                    session_key = _session_key(client)
                response = _request(client, route, method, url)
                report.checked.add((route.name, method))
                found = _leaks(response, markers)
                if found:
                    problem = f"shows B's private data: {found}"
                    report.violations.append(Violation(route.name, method, url, problem))
                refused = response.status_code in {401, 403, 404, 405, 410} or (
                    300 <= response.status_code < 400 and _is_login_redirect(response, urlconf)
                )
                refused_all = refused_all and refused
                if store_bound and not refused:
                    problem = f"answered {response.status_code} instead of refusing"
                    report.violations.append(Violation(route.name, method, url, problem))
            # Once per URL, not per method: the walk stays fast on a slow database.
            after = snapshot(world)
            if after != baseline:
                report.violations.append(
                    Violation(route.name, "/".join(methods), url, "changed B's rows")
                )
                baseline = after  # blame the next change on its own route
        if store_bound and refused_all and route.pattern not in report.shadowed:
            report.denied.add(route.name)
    return report


def _session_key(client: Client) -> str:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie is not None else ""


def _leaks(response: HttpResponse, markers: list[str]) -> list[str]:
    body = b"" if response.streaming else response.content
    text = body.decode("utf-8", "replace") + " " + response.get("Location", "")
    # Markers may come back JSON- or HTML-escaped; none of ours contain characters that escape.
    return [m for m in markers if m and m in text]
