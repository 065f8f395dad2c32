"""Dashboard pages for products: thin wrappers around `services` and `selectors`.

Owners and admins edit; agents may look (they answer buyers' questions about products).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.catalog import selectors, services
from dukkan.catalog.forms import (
    BundleForm,
    CoverForm,
    FileUploadForm,
    GalleryForm,
    ProductForm,
    SampleForm,
)
from dukkan.catalog.models import Product, ProductFile, ProductImage, ProductKind
from dukkan.core.models import Store
from dukkan.core.tenancy import get_scoped_or_404, scoped


def _edit_url(product: Product) -> str:
    return reverse(
        "catalog:edit", kwargs={"store_slug": product.store.slug, "product_id": product.pk}
    )


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@store_view()
def product_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    membership = current_membership(request)
    rows = [
        {
            "product": product,
            "price": selectors.price_of(product),
            "remaining": selectors.remaining_quantity(product),
        }
        for product in selectors.all_products(store)
    ]
    context = {
        "store": store,
        "membership": membership,
        "rows": rows,
        "can_edit": membership.has_role(Role.ADMIN),
    }
    return render(request, "catalog/dashboard/list.html", context)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = ProductForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(store, **form.product_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Product created. Now add its files, cover and free sample.")
            )
            return redirect(_edit_url(product))
    context = {
        "store": store,
        "membership": current_membership(request),
        "form": form,
        "creating": True,
        "can_edit": True,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/dashboard/form.html", context, status=status)


def _edit_context(
    request: HttpRequest, store: Store, product: Product, **forms: Any
) -> dict[str, Any]:
    membership = current_membership(request)
    files = selectors.product_files(product)
    file_choices = [(f.pk, f.title) for f in files]
    bundle_choices = [
        (p.pk, p.title)
        for p in selectors.all_products(store)
        .exclude(pk=product.pk)
        .filter(kind__in=(ProductKind.FILE, ProductKind.SOFTWARE))
    ]
    chosen = [p.pk for p in selectors.bundle_items(product)]
    return {
        "store": store,
        "membership": membership,
        "product": product,
        "price": selectors.price_of(product),
        "remaining": selectors.remaining_quantity(product),
        "can_edit": membership.has_role(Role.ADMIN),
        "form": forms.get("form") or ProductForm(store=store, product=product),
        "files": [(f, selectors.versions_of(f)) for f in files],
        "file_form": forms.get("file_form") or FileUploadForm(files_choices=file_choices),
        "cover_form": forms.get("cover_form") or CoverForm(),
        "gallery_form": forms.get("gallery_form") or GalleryForm(),
        "sample_form": forms.get("sample_form") or SampleForm(),
        "bundle_form": forms.get("bundle_form")
        or BundleForm(choices=bundle_choices, initial={"items": chosen}),
        "gallery": selectors.gallery(product),
        "description_html": services.render_description(product),
    }


def _product(request: HttpRequest, product_id: int) -> Product:
    store = current_store(request)
    return get_scoped_or_404(Product.objects.select_related("store"), store, pk=product_id)


@store_view()
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = _product(request, product_id)
    membership = current_membership(request)
    if request.method == "POST":
        if not membership.has_role(Role.ADMIN):
            raise PermissionDenied
        form = ProductForm(request.POST, store=store)
        if form.is_valid():
            try:
                services.update_product(product, **form.product_fields())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Product saved."))
                return redirect(_edit_url(product))
        product.refresh_from_db()
        context = _edit_context(request, store, product, form=form)
        return render(request, "catalog/dashboard/form.html", context, status=400)
    return render(request, "catalog/dashboard/form.html", _edit_context(request, store, product))


def _fail(request: HttpRequest, store: Store, product: Product, **forms: Any) -> HttpResponse:
    messages.error(request, _("Nothing was changed: see the message below."))
    context = _edit_context(request, store, product, **forms)
    return render(request, "catalog/dashboard/form.html", context, status=400)


@store_view(Role.ADMIN)
@require_POST
def upload_file(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = _product(request, product_id)
    choices = [(f.pk, f.title) for f in selectors.product_files(product)]
    form = FileUploadForm(request.POST, request.FILES, files_choices=choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["product_file"]:
                product_file = get_scoped_or_404(
                    ProductFile, store, pk=data["product_file"], product=product
                )
                version = services.upload_version(product_file, data["upload"], label=data["label"])
            else:
                version = services.add_file(
                    product, data["upload"], title=data["title"], label=data["label"]
                )
        except ValidationError as error:
            form.add_error("upload", _errors(error))
        else:
            messages.success(
                request,
                _("%(file)s version %(label)s uploaded; it is now the current version.")
                % {"file": version.product_file.title, "label": version.label},
            )
            return redirect(_edit_url(product) + "#files")
    return _fail(request, store, product, file_form=form)


def _replace_or_remove(
    request: HttpRequest,
    product: Product,
    form: CoverForm | SampleForm,
    *,
    field: str,
    save: Callable[[Product, Any], Any],
    remove: Callable[[Product], Any],
    texts: tuple[str, str, str],
) -> HttpResponse | None:
    """A one-file slot of the product (cover, sample): upload a new file or remove it.

    `texts` are the messages for saved, removed and nothing chosen; None means the form
    failed and the caller shows it again with its errors.
    """
    saved, removed, nothing = texts
    if not form.is_valid():
        return None
    if form.cleaned_data["remove"]:
        remove(product)
        messages.success(request, removed)
        return redirect(_edit_url(product) + f"#{field}")
    upload = form.cleaned_data[field]
    if upload is None:
        form.add_error(field, nothing)
        return None
    try:
        save(product, upload)
    except ValidationError as error:
        form.add_error(field, _errors(error))
        return None
    messages.success(request, saved)
    return redirect(_edit_url(product) + f"#{field}")


@store_view(Role.ADMIN)
@require_POST
def cover(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    form = CoverForm(request.POST, request.FILES)
    texts = (_("Cover saved."), _("Cover removed."), _("Choose a picture to upload."))
    done = _replace_or_remove(
        request,
        product,
        form,
        field="cover",
        save=services.set_cover,
        remove=services.clear_cover,
        texts=texts,
    )
    return done or _fail(request, current_store(request), product, cover_form=form)


@store_view(Role.ADMIN)
@require_POST
def gallery_add(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = _product(request, product_id)
    form = GalleryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_gallery_image(
                product, form.cleaned_data["image"], alt=form.cleaned_data["alt_text"]
            )
        except ValidationError as error:
            form.add_error("image", _errors(error))
        else:
            messages.success(request, _("Picture added to the gallery."))
            return redirect(_edit_url(product) + "#gallery")
    return _fail(request, store, product, gallery_form=form)


@store_view(Role.ADMIN)
@require_POST
def gallery_remove(request: HttpRequest, product_id: int, product_image_id: int) -> HttpResponse:
    store = current_store(request)
    product = _product(request, product_id)
    picture = get_scoped_or_404(ProductImage, store, pk=product_image_id, product=product)
    services.remove_gallery_image(picture)
    messages.success(request, _("Picture removed."))
    return redirect(_edit_url(product) + "#gallery")


@store_view(Role.ADMIN)
@require_POST
def sample(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    form = SampleForm(request.POST, request.FILES)
    texts = (_("Free sample saved."), _("Free sample removed."), _("Choose a file to upload."))
    done = _replace_or_remove(
        request,
        product,
        form,
        field="sample",
        save=services.set_sample,
        remove=services.clear_sample,
        texts=texts,
    )
    return done or _fail(request, current_store(request), product, sample_form=form)


@store_view(Role.ADMIN)
@require_POST
def bundle(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = _product(request, product_id)
    choices = [
        (p.pk, p.title)
        for p in scoped(Product, store)
        .exclude(pk=product.pk)
        .filter(kind__in=(ProductKind.FILE, ProductKind.SOFTWARE))
    ]
    form = BundleForm(request.POST, choices=choices)
    if form.is_valid():
        chosen = form.cleaned_data["items"]
        found = scoped(Product, store).in_bulk(chosen)
        items = [found[pk] for pk in chosen if pk in found]  # in the order ticked
        try:
            services.set_bundle_items(product, items)
        except ValidationError as error:
            form.add_error("items", _errors(error))
        else:
            messages.success(request, _("Bundle contents saved."))
            return redirect(_edit_url(product) + "#bundle")
    return _fail(request, store, product, bundle_form=form)


@store_view(Role.ADMIN)
@require_POST
def delete(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = _product(request, product_id)
    title = product.title
    try:
        services.delete_product(product)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(_edit_url(product))
    messages.success(request, _("%(title)s was deleted.") % {"title": title})
    return redirect(reverse("catalog:list", kwargs={"store_slug": store.slug}))


@store_view(Role.ADMIN)
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The description as buyers will see it (htmx swaps it in beside the editor)."""
    store = current_store(request)
    text = request.POST.get("description", "")[:50_000]
    html = services.preview_markdown(store, text)
    context = {"store": store, "html": html}
    return render(request, "catalog/dashboard/_preview.html", context)
