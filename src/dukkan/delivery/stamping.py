"""PDF "social DRM": every page of a buyer's copy names the buyer and the order.

The stamp is a small footer line ("Licensed to <email> - order <number>") and a faint
diagonal line across the page, drawn in the standard Helvetica font with pypdf alone (a
minimal content stream merged onto each page), in Latin script so no font shaping is needed:
a non-ASCII email is written with its domain in punycode and its local part %-escaped.

A PDF that pypdf cannot read is never served unstamped: `StampError` is raised, the view
answers with a clear error page and the failure is logged for the seller.
"""

from __future__ import annotations

import logging
import math
from typing import IO
from urllib.parse import quote

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

logger = logging.getLogger(__name__)


class StampError(Exception):
    """The PDF could not be read or written."""


def ascii_email(email: str) -> str:
    local, _, domain = email.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = quote(domain, safe=".-")
    return f"{quote(local, safe='.+-_!#$&*=?^`{|}~')}@{domain}" if local else quote(email)


def stamp_text(email: str, order_number: str) -> str:
    number = "".join(c for c in order_number if c.isascii() and c.isprintable())
    return f"Licensed to {ascii_email(email)} - order {number}"


def _pdf_string(text: str) -> str:
    safe = text.encode("ascii", "replace").decode("ascii")
    return "(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _font() -> DictionaryObject:
    font = DictionaryObject()
    font[NameObject("/Type")] = NameObject("/Font")
    font[NameObject("/Subtype")] = NameObject("/Type1")
    font[NameObject("/BaseFont")] = NameObject("/Helvetica")
    font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
    return font


def _overlay_commands(text: str, left: float, bottom: float, width: float, height: float) -> bytes:
    size = 7.0 if width < 400 else 8.0
    footer_x = left + 18
    footer_y = bottom + 10
    # The diagonal: a light grey line from the lower left towards the upper right.
    diagonal = max(14.0, min(28.0, width / 28))
    angle = math.atan2(height, width)
    cos, sin = math.cos(angle), math.sin(angle)
    start_x = left + width * 0.12
    start_y = bottom + height * 0.12
    string = _pdf_string(text)
    return (
        "q\n"
        "BT\n"
        "0.35 g\n"
        f"/DukkanStamp {size:.1f} Tf\n"
        f"1 0 0 1 {footer_x:.2f} {footer_y:.2f} Tm\n"
        f"{string} Tj\n"
        "ET\n"
        "BT\n"
        "0.88 g\n"
        f"/DukkanStamp {diagonal:.1f} Tf\n"
        f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {start_x:.2f} {start_y:.2f} Tm\n"
        f"{string} Tj\n"
        "ET\n"
        "Q\n"
    ).encode("ascii")


def stamp_pdf(source: IO[bytes], target: IO[bytes], *, email: str, order_number: str) -> int:
    """Write to `target` the PDF of `source` with every page stamped; returns the page count."""
    text = stamp_text(email, order_number)
    try:
        reader = PdfReader(source)
        # An owner-password-only PDF opens with the empty password; others cannot be stamped.
        if reader.is_encrypted and not reader.decrypt(""):
            raise StampError("the PDF is encrypted")
        writer = PdfWriter(clone_from=reader)
        font = writer._add_object(_font())
        for page in writer.pages:
            box = page.cropbox
            left, bottom = float(box.left), float(box.bottom)
            width, height = float(box.width), float(box.height)
            found = page.get("/Resources")
            resources = found.get_object() if found is not None else None
            if not isinstance(resources, DictionaryObject):
                resources = DictionaryObject()
                page[NameObject("/Resources")] = resources
            fonts = resources.get("/Font")
            fonts = fonts.get_object() if fonts is not None else None
            if not isinstance(fonts, DictionaryObject):
                fonts = DictionaryObject()
                resources[NameObject("/Font")] = fonts
            fonts[NameObject("/DukkanStamp")] = font
            stream = DecodedStreamObject()
            stream.set_data(_overlay_commands(text, left, bottom, width, height))
            # Wrap the page's own drawing in q/Q so its graphics state cannot hide the stamp.
            before = DecodedStreamObject()
            before.set_data(b"q\n")
            after = DecodedStreamObject()
            after.set_data(b"\nQ\n")
            contents = page.get_contents()
            parts = [before]
            if contents is not None:
                parts.append(contents)
            parts += [after, stream]
            merged = ContentStream(None, writer)
            merged.set_data(b"".join(part.get_data() for part in parts))
            page.replace_contents(merged)
        writer.write(target)
        return len(writer.pages)
    except StampError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise StampError(str(error) or type(error).__name__) from error
