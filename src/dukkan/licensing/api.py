"""The licence API, `/api/v1/licenses/…`: what a protected program calls.

Every call names its product with the public product key (header `X-Product-Key`); it is
public (it ships inside the program) and only says which store and product a key must
belong to. Refusals are JSON `{"error": code, "message": text}` with a fitting status;
throttled calls get 429 with `Retry-After`. Messages follow `Accept-Language` (ar, fa, en).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.security import APIKeyHeader

from dukkan.licensing import crypto, ratelimit, selectors, services
from dukkan.licensing.services import LicensingError, ProductContext


class ProductKey(APIKeyHeader):
    param_name = "X-Product-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ProductContext:
        context = services.product_context(key or "")
        if context is None:
            raise LicensingError(
                "unknown_product_key", _("This product key is not known."), status=401
            )
        return context


router = Router(tags=["licenses"], auth=ProductKey())


class ErrorOut(Schema):
    error: str = Field(description="machine-readable code, e.g. malformed_key, unknown_key")
    message: str


class ValidateIn(Schema):
    key: str = Field(description="the licence key, e.g. ABCDE-FGHJK-MNPQR-STUV2")
    fingerprint: str | None = Field(
        None, description="the machine's fingerprint (1 to 512 characters)"
    )


class ValidateOut(Schema):
    valid: bool
    reason: str = Field(
        description="valid, expired, suspended, revoked, activation_limit_reached, "
        "fingerprint_mismatch or unknown_key"
    )
    licence_id: int | None = None
    status: str = ""
    expires_at: datetime | None = None
    updates_until: datetime | None = None
    entitlements: list[str] = []
    max_activations: int = 0
    activations: int = 0


class ActivateIn(Schema):
    key: str
    fingerprint: str = Field(description="the machine's fingerprint (1 to 512 characters)")
    name: str = Field("", description="a name people recognise, e.g. the host name")
    metadata: dict[str, Any] | None = Field(None, description="a JSON object, at most 2 KB")


class ActivationOut(Schema):
    id: int
    fingerprint: str = Field(description="the fingerprint tag (16 symbols) the licence names")
    name: str
    kind: str
    created_at: datetime
    last_seen_at: datetime | None


class ActivateOut(Schema):
    replayed: bool = Field(description="true when this machine was already activated")
    activation: ActivationOut
    activation_code: str = Field(description="the signed licence file (docs/licensing.md)")
    licence: ValidateOut


class DeactivateIn(Schema):
    key: str
    fingerprint: str | None = None
    activation_id: int | None = None


class KeyIn(Schema):
    key: str


class OfflineIn(Schema):
    request_code: str


class SigningKeyOut(Schema):
    key_id: str
    algorithm: str = "Ed25519"
    public_key: str = Field(description="base64 of the raw 32-byte public key")
    active: bool


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _admit(request: HttpRequest, text: str) -> str:
    """The canonical key after the rate limits; a malformed key counts against the IP."""
    try:
        key = services.canonical_key(text)
    except LicensingError:
        _guard(request, None)  # a throttled address hears 429 before anything else
        ratelimit.count_invalid(_ip(request))
        raise
    _guard(request, key)
    return key


def _guard(request: HttpRequest, key: str | None) -> None:
    try:
        ratelimit.check(_ip(request), crypto.key_hash(key) if key else None)
    except ratelimit.Throttled as error:
        message = (
            _("Too many invalid keys from this address. Try again later.")
            if error.what == "invalid_keys"
            else _("Too many requests. Try again later.")
        )
        raise LicensingError("rate_limited", message, status=429) from error


def _context(request: HttpRequest) -> ProductContext:
    return request.auth  # type: ignore[attr-defined]


def _validation_out(result: selectors.Validation) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "reason": result.reason,
        "licence_id": result.licence_id,
        "status": result.status,
        "expires_at": result.expires_at,
        "updates_until": result.updates_until,
        "entitlements": list(result.entitlements),
        "max_activations": result.max_activations,
        "activations": result.activations,
    }


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


@router.post("/validate", response={200: ValidateOut, **ERRORS}, summary="Validate a key")
def validate(request: HttpRequest, payload: ValidateIn) -> Any:
    """Whether the key is good (on this machine, when a fingerprint is given), and why not."""
    context = _context(request)
    key = _admit(request, payload.key)
    tag = services.tag_of(payload.fingerprint) if payload.fingerprint is not None else None
    result = selectors.validate(context, key, tag)
    if result.reason == "unknown_key":
        ratelimit.count_invalid(_ip(request))
    return _validation_out(result)


@router.post(
    "/activate", response={200: ActivateOut, 201: ActivateOut, **ERRORS}, summary="Activate"
)
def activate(request: HttpRequest, payload: ActivateIn) -> Any:
    """Takes a seat for this machine and returns its signed licence (activation code).

    Activating a machine that is already active answers 200 with `replayed: true` and takes
    no second seat; a new activation answers 201.
    """
    context = _context(request)
    key = _admit(request, payload.key)
    tag = services.tag_of(payload.fingerprint)
    try:
        result = services.activate(
            store_id=context.store_id,
            product_id=context.product_id,
            key=key,
            fingerprint_tag=tag,
            name=payload.name,
            metadata=payload.metadata,
            ip=request.META.get("REMOTE_ADDR"),
        )
    except LicensingError as error:
        if error.code == "unknown_key":
            ratelimit.count_invalid(_ip(request))
        raise
    return 200 if result.replayed else 201, _activation_out(context, key, result)


def _activation_out(
    context: ProductContext, key: str, result: services.ActivationResult
) -> dict[str, Any]:
    activation = result.activation
    standing = selectors.validate(context, key, activation.fingerprint)
    return {
        "replayed": result.replayed,
        "activation": activation,
        "activation_code": result.activation_code,
        "licence": _validation_out(standing),
    }


@router.post("/deactivate", response={200: ActivationOut, **ERRORS}, summary="Deactivate")
def deactivate(request: HttpRequest, payload: DeactivateIn) -> Any:
    """Releases a machine (by fingerprint or activation id)."""
    context = _context(request)
    key = _admit(request, payload.key)
    tag = services.tag_of(payload.fingerprint) if payload.fingerprint is not None else None
    return services.deactivate(
        store_id=context.store_id,
        product_id=context.product_id,
        key=key,
        fingerprint_tag=tag,
        activation_id=payload.activation_id,
    )


@router.post("/activations", response={200: list[ActivationOut], **ERRORS}, summary="Machines")
def activations(request: HttpRequest, payload: KeyIn) -> Any:
    """The machines this key is active on now."""
    context = _context(request)
    key = _admit(request, payload.key)
    licence = (
        services.Licence.objects.filter(
            key_hash=crypto.key_hash(key),
            store_id=context.store_id,
            product_id=context.product_id,
        )
        .select_related("store")
        .first()
    )
    if licence is None:
        ratelimit.count_invalid(_ip(request))
        raise LicensingError("unknown_key", _("There is no such licence key."), 404)
    return list(selectors.activations_of(licence).filter(released_at__isnull=True))


@router.post("/offline", response={200: ActivateOut, 201: ActivateOut, **ERRORS}, summary="Offline")
def offline(request: HttpRequest, payload: OfflineIn) -> Any:
    """An activation code for a request code (for a helper machine that is online)."""
    context = _context(request)
    try:
        key, tag = services.fmt.parse_request_code(payload.request_code)
    except services.fmt.FormatError as error:
        _guard(request, None)
        ratelimit.count_invalid(_ip(request))
        raise services.format_error(error) from error
    _guard(request, key)
    result = services.activate(
        store_id=context.store_id,
        product_id=context.product_id,
        key=key,
        fingerprint_tag=tag,
        name=_("Offline activation"),
        ip=request.META.get("REMOTE_ADDR"),
        kind="offline",
    )
    return 200 if result.replayed else 201, _activation_out(context, key, result)


@router.get("/signing-keys", response={200: list[SigningKeyOut], **ERRORS}, summary="Keys")
def signing_keys(request: HttpRequest) -> Any:
    """The store's Ed25519 public keys; a program embeds them to check activation codes."""
    context = _context(request)
    _guard(request, None)
    return [
        {"key_id": k.key_id, "public_key": k.public_key, "active": k.retired_at is None}
        for k in selectors.public_keys(context.store_id)
    ]


def error_response(request: HttpRequest, error: Any) -> HttpResponse:
    response = JsonResponse({"error": error.code, "message": error.message}, status=error.status)
    if error.status == 429 and error.__cause__ is not None:
        response["Retry-After"] = str(getattr(error.__cause__, "retry_after", 60))
    return response


def install(api: NinjaAPI) -> None:
    """Mounts the licence API on the project's API (one call in config/api.py)."""
    api.add_router("/v1/licenses/", router)
    api.add_exception_handler(LicensingError, error_response)
