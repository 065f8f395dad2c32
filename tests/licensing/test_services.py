"""Issuing, refunds, owner actions, activations and signing, through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from dukkan.checkout import services as checkout_services
from dukkan.checkout.models import Order
from dukkan.licensing import crypto, selectors, services
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing.models import Activation, Licence, LicenceEvent, LicenceStatus, SigningKey
from dukkan.licensing.services import LicensingError

pytestmark = pytest.mark.django_db


def _keys(order: Order) -> list[str]:
    return [view.key for view in selectors.keys_for_order(order.pk)]


def _activate(
    licence: Licence, key: str, fingerprint: str, **extra: Any
) -> services.ActivationResult:
    return services.activate(
        store_id=licence.store_id,
        product_id=licence.product_id,
        key=key,
        fingerprint_tag=fmt.fingerprint_tag(fingerprint),
        **extra,
    )


def test_paid_order_gets_one_key_per_copy_once(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    order = buy(shop, app_product, quantity=2)
    keys = _keys(order)
    assert len(keys) == 2
    assert len(set(keys)) == 2
    for key in keys:
        assert fmt.normalise_key(key) == key
    # The event delivered again (a webhook retry) issues nothing more.
    assert services.issue_for_order(order) == []
    assert Licence.objects.filter(order=order).count() == 2
    licence = Licence.objects.filter(order=order).first()
    assert licence is not None
    assert licence.entitlements == ["pro", "updates"]
    assert LicenceEvent.objects.filter(licence=licence, action="issued").count() == 1


def test_keys_are_not_stored_in_clear(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    order = buy(shop, app_product)
    key = _keys(order)[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_hash, key_sealed FROM licensing_licence")
        rows = cursor.fetchall()
    assert rows
    assert all(
        key not in " ".join(row) and key.replace("-", "") not in " ".join(row) for row in rows
    )
    assert rows[0][0] == crypto.key_hash(key)


def test_products_without_a_policy_get_no_key(
    shop: Any, app_product: Any, buy: Callable[..., Order]
) -> None:
    order = buy(shop, app_product)
    assert _keys(order) == []


def test_full_refund_revokes_at_once(
    shop: Any,
    app_product: Any,
    policy: Any,
    buy: Callable[..., Order],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = buy(shop, app_product)
    with django_capture_on_commit_callbacks(execute=True):
        checkout_services.refund(order, reason="changed mind")
    licence = Licence.objects.get(order=order)
    assert licence.status == LicenceStatus.REVOKED
    assert licence.status_reason == "refund"
    context = services.product_context(policy.product_key)
    assert context is not None
    assert selectors.validate(context, _keys(order)[0], None).reason == "revoked"


def test_activation_limit_replay_and_seats(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    order = buy(shop, app_product)
    licence = Licence.objects.get(order=order)
    key = _keys(order)[0]
    first = _activate(licence, key, "machine-1", name="Laptop", ip="203.0.113.9")
    assert not first.replayed
    again = _activate(licence, key, "machine-1")
    assert again.replayed
    assert again.activation.pk == first.activation.pk
    _activate(licence, key, "machine-2")
    _activate(licence, key, "machine-3")
    with pytest.raises(LicensingError) as refused:
        _activate(licence, key, "machine-4")
    assert refused.value.code == "activation_limit_reached"
    assert Activation.objects.filter(licence=licence).count() == 3  # nothing half-written
    services.deactivate(
        store_id=shop.pk, product_id=None, key=key, fingerprint_tag=fmt.fingerprint_tag("machine-2")
    )
    assert not _activate(licence, key, "machine-4").replayed  # the seat was freed


def test_a_released_seat_stays_taken_when_the_policy_says_so(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    services.save_policy(shop, app_product, max_activations=1, deactivation_frees_seat=False)
    order = buy(shop, app_product)
    licence = Licence.objects.get(order=order)
    key = _keys(order)[0]
    _activate(licence, key, "machine-1")
    services.deactivate(
        store_id=shop.pk, product_id=None, key=key, fingerprint_tag=fmt.fingerprint_tag("machine-1")
    )
    with pytest.raises(LicensingError) as refused:
        _activate(licence, key, "machine-2")
    assert refused.value.code == "activation_limit_reached"
    _activate(licence, key, "machine-1")  # the same machine may come back
    services.owner_action(licence, "reset", actor=None)  # the owner frees every seat
    _activate(licence, key, "machine-2")


def test_owner_actions_are_audited(
    shop: Any, app_product: Any, buy: Callable[..., Order], make_user: Any
) -> None:
    policy = services.save_policy(shop, app_product, duration="term", duration_days=30)
    order = buy(shop, app_product)
    licence = Licence.objects.get(order=order)
    key = _keys(order)[0]
    context = services.product_context(policy.product_key)
    assert context is not None
    owner = make_user()
    services.owner_action(licence, "suspend", actor=owner, note="chargeback opened")
    assert selectors.validate(context, key, None).reason == "suspended"
    with pytest.raises(LicensingError):
        services.owner_action(licence, "suspend", actor=owner)
    services.owner_action(licence, "reinstate", actor=owner)
    assert selectors.validate(context, key, None).reason == "valid"
    before = Licence.objects.get(pk=licence.pk).expires_at
    services.owner_action(licence, "extend", actor=owner, days=10)
    after = Licence.objects.get(pk=licence.pk).expires_at
    assert before
    assert after
    assert after - before == timedelta(days=10)
    with pytest.raises(LicensingError):
        services.owner_action(licence, "extend", actor=owner, days=0)
    services.owner_action(licence, "note", actor=owner, note="called the customer")
    services.owner_action(licence, "revoke", actor=owner)
    assert selectors.validate(context, key, None).reason == "revoked"
    actions = list(LicenceEvent.objects.filter(licence=licence).values_list("action", "actor_id"))
    assert [a for a, _ in actions] == ["issued", "suspend", "reinstate", "extend", "note", "revoke"]
    assert all(actor == owner.pk for a, actor in actions if a != "issued")


def test_expired_licence(shop: Any, app_product: Any, buy: Callable[..., Order]) -> None:
    policy = services.save_policy(shop, app_product, duration="term", duration_days=5)
    order = buy(shop, app_product)
    Licence.objects.filter(order=order).update(expires_at=timezone.now() - timedelta(seconds=1))
    context = services.product_context(policy.product_key)
    assert context is not None
    assert selectors.validate(context, _keys(order)[0], None).reason == "expired"
    licence = Licence.objects.get(order=order)
    with pytest.raises(LicensingError) as refused:
        _activate(licence, _keys(order)[0], "m")
    assert refused.value.code == "expired"


def test_validate_reasons_with_fingerprint(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    services.save_policy(shop, app_product, max_activations=1)
    order = buy(shop, app_product)
    licence = Licence.objects.get(order=order)
    key = _keys(order)[0]
    context = services.product_context(policy.product_key)
    assert context is not None
    assert (
        selectors.validate(context, key, fmt.fingerprint_tag("a")).reason == "fingerprint_mismatch"
    )
    _activate(licence, key, "a")
    result = selectors.validate(context, key, fmt.fingerprint_tag("a"))
    assert result.valid
    assert result.entitlements == ("pro", "updates")
    assert result.activations == 1
    assert (
        selectors.validate(context, key, fmt.fingerprint_tag("b")).reason
        == "activation_limit_reached"
    )
    other = services.new_key()
    assert selectors.validate(context, other, None).reason == "unknown_key"


def test_offline_activation_round_trip_and_rotation(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    order = buy(shop, app_product)
    key = _keys(order)[0]
    fingerprint = "cpu=x86;disk=ABC123"
    request = fmt.request_code(key, fingerprint)
    result = services.activate_offline(shop, request, email="SARA@customers.example")
    keys = {k.key_id: k.public_key for k in selectors.public_keys(shop)}
    licence = fmt.verify_activation_code(result.activation_code, keys, fingerprint=fingerprint)
    assert licence.licence_id == result.licence.pk
    assert licence.entitlements == ("pro", "updates")
    assert licence.refresh_s == policy.refresh_hours * 3600
    with pytest.raises(fmt.VerifyError) as other_machine:
        fmt.verify_activation_code(result.activation_code, keys, fingerprint="another")
    assert other_machine.value.code == "fingerprint_mismatch"
    # Rotation: new codes use the new key, the old code still verifies with all keys.
    services.rotate_signing_key(shop)
    assert SigningKey.objects.filter(store=shop).count() == 2
    again = services.activate_offline(shop, request)
    assert again.replayed
    keys = {k.key_id: k.public_key for k in selectors.public_keys(shop)}
    old = fmt.verify_activation_code(result.activation_code, keys, fingerprint=fingerprint)
    new = fmt.verify_activation_code(again.activation_code, keys, fingerprint=fingerprint)
    assert old.key_id != new.key_id
    # Another customer cannot use the key.
    with pytest.raises(LicensingError) as foreign:
        services.activate_offline(shop, request, email="someone@else.example")
    assert foreign.value.code == "unknown_key"


def test_signing_keys_are_sealed_at_rest(shop: Any) -> None:
    key = services.signing_key(shop)
    assert key.private_key_sealed.startswith("v1:")
    raw = crypto.unseal(key.private_key_sealed, "signing-key")
    assert len(raw) == 32
    assert raw.hex() not in key.private_key_sealed
    with pytest.raises(Exception):  # noqa: B017, PT011 - the wrong purpose must not open it
        crypto.unseal(key.private_key_sealed, "licence-key")


def test_many_machines_flag_the_key(shop: Any, app_product: Any, buy: Callable[..., Order]) -> None:
    services.save_policy(
        shop, app_product, max_activations=50, flag_fingerprints=3, flag_networks=2
    )
    order = buy(shop, app_product)
    licence = Licence.objects.get(order=order)
    key = _keys(order)[0]
    for n in range(3):
        _activate(licence, key, f"m{n}", ip=f"198.51.{n}.7")
    licence.refresh_from_db()
    assert licence.flagged
    assert "networks" in licence.flag_reason
    assert LicenceEvent.objects.filter(licence=licence, action="flagged").count() == 1


@pytest.mark.parametrize(
    ("key", "fingerprint", "name", "metadata", "code"),
    [
        ("ABCDE", "m", "", None, "malformed_key"),
        ("O" * 20, "m", "", None, "malformed_key"),
        (None, "x" * 10240, "", None, "malformed_fingerprint"),
        (None, "m", "n" * 201, None, "name_too_long"),
        (None, "m", "", {"x": "y" * 3000}, "metadata_too_large"),
        (None, "m", "", ["list"], "malformed_metadata"),
    ],
)
def test_bad_activation_input_writes_nothing(
    shop: Any,
    app_product: Any,
    policy: Any,
    buy: Callable[..., Order],
    key: str | None,
    fingerprint: str,
    name: str,
    metadata: Any,
    code: str,
) -> None:
    order = buy(shop, app_product)
    real = _keys(order)[0]
    with pytest.raises(LicensingError) as refused:
        services.activate(
            store_id=shop.pk,
            product_id=None,
            key=services.canonical_key(key if key is not None else real),
            fingerprint_tag=services.tag_of(fingerprint),
            name=name,
            metadata=metadata,
        )
    assert refused.value.code == code
    assert refused.value.message
    assert not Activation.objects.exists()
    assert not LicenceEvent.objects.exclude(action="issued").exists()


def test_wrong_check_character_is_caught_offline() -> None:
    key = services.new_key()
    typo = key[:3] + ("Z" if key[3] != "Z" else "Y") + key[4:]
    with pytest.raises(LicensingError) as refused:
        services.canonical_key(typo)
    assert refused.value.code == "wrong_check_character"


def test_contacts_with_expiring_licences(
    shop: Any, app_product: Any, buy: Callable[..., Order]
) -> None:
    services.save_policy(shop, app_product, duration="updates", duration_days=10)
    order = buy(shop, app_product)
    assert order.contact_id is not None
    assert selectors.contacts_with_licences_expiring(shop.pk, 30) == {order.contact_id}
    assert selectors.contacts_with_licences_expiring(shop.pk, 5) == set()


def test_partial_refund_revokes_only_the_refunded_line(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    from dukkan.catalog import services as catalog_services
    from dukkan.checkout.models import OrderLine

    order = buy(shop, app_product)
    other = catalog_services.create_product(
        shop, title="افزونه دوم", kind="software", price_minor=1000, visibility="published"
    )
    services.save_policy(shop, other, max_activations=1)
    line = OrderLine.objects.create(
        store=shop,
        order=order,
        product=other,
        title=other.title,
        unit_price_minor=1000,
        quantity=1,
        total_minor=1000,
    )
    assert len(services.issue_for_order(order)) == 1
    OrderLine.objects.filter(pk=line.pk).update(refunded=True)
    assert services.revoke_for_refund(order, full=False) == 1
    statuses = dict(Licence.objects.filter(order=order).values_list("product_id", "status"))
    assert statuses == {app_product.pk: LicenceStatus.ACTIVE, other.pk: LicenceStatus.REVOKED}
    assert services.revoke_for_refund(order, full=False) == 0  # a second delivery: nothing more


def test_inbox_panel_shows_the_order_keys(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    from django.template.loader import render_to_string

    order = buy(shop, app_product)
    html = render_to_string("licensing/inbox_keys.html", {"order": order, "store": shop})
    assert _keys(order)[0] in html


def test_a_key_sealed_under_another_secret_is_shown_as_unreadable_not_a_crash(
    settings: Any,
) -> None:
    from dukkan.licensing.models import Licence

    licence = Licence(key_sealed=crypto.seal(b"ABCDE-FGHJK-MNPQR-STUVW", "licence-key"))
    assert services.reveal_key(licence) == "ABCDE-FGHJK-MNPQR-STUVW"
    settings.SECRET_KEY = "a-different-instance-secret-" + "x" * 40
    assert "unreadable" in services.reveal_key(licence)
