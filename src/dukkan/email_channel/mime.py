"""Raw RFC 5322 bytes to a `Parsed` mail: headers, clean text, sanitised HTML, attachments.

Built on the standard library's `email` package (policy=default, which decodes RFC 2047
headers). Text parts are decoded with their declared charset first, then with fallbacks, so
mislabelled mail (Arabic sent as "iso-8859-1", windows-1256 sent as "utf-8") still reads right.
Nothing here raises on bad input: every problem becomes a note in `Parsed.problems`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

import nh3
from charset_normalizer import from_bytes

from dukkan.email_channel.quotes import fold_quotes

# Charsets that decode any byte string, so "it decoded" proves nothing about them.
_PERMISSIVE = {"ascii", "latin_1", "iso8859_1", "cp1252", "iso8859_15"}
_ARABIC_CODECS = ("cp1256", "iso8859_6", "cp720", "cp864")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")
PART_LIMIT = 10 * 1024 * 1024  # parts larger than support's attachment limit are not decoded
_ID = re.compile(r"<([^<>\s]{1,450})>")


@dataclass
class Part:
    name: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""
    size: int = 0  # set (with empty data) for a part too large to decode

    def __post_init__(self) -> None:
        self.size = self.size or len(self.data)


@dataclass
class Parsed:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""  # the whole text (from the plain part, or from the HTML)
    clean_text: str = ""  # the new words only: quotes and signature folded away
    quoted: str = ""
    html: str = ""  # sanitised
    attachments: list[Part] = field(default_factory=list)
    automatic: str = ""  # why this is machine-sent mail ("" when a person wrote it)
    bounce: bool = False
    dsn: list[dict[str, str]] = field(default_factory=list)
    original_ids: list[str] = field(default_factory=list)  # Message-IDs a bounce names
    problems: list[str] = field(default_factory=list)
    language: str = ""


def codec_name(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip('"').lower()).name.replace("-", "_")
    except LookupError:
        return None


_ODD = re.compile(r"[\u0080-\u00ff\u2000-\u2bff]")  # symbols a mis-decoding leaves behind


def _arabic_share(text: str) -> float:
    """How Arabic a decoding reads: Arabic letters, less stray symbols, plus a bonus for the
    article "ال" (the commonest bigram), which a wrong single-byte table rarely produces."""
    letters = _LETTER.findall(text)
    if not letters:
        return 0.0
    arabic = len(_ARABIC.findall(text))
    odd = len(_ODD.findall(text))
    words = max(1, len(text.split()))
    return (arabic - 2 * odd) / (len(letters) + odd) + 0.2 * text.count("ال") / words


def decode_text(data: bytes, declared: str | None, problems: list[str] | None = None) -> str:
    """Bytes of a text part to str: the declared charset when it fits, else the best guess."""
    notes = problems if problems is not None else []
    codec = codec_name(declared)
    if declared and codec is None:
        notes.append(f"unknown charset {declared[:40]!r}")
    if codec and codec not in _PERMISSIVE:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            notes.append(f"text is not valid {declared}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if not any(b > 0x7F for b in data):
        return data.decode("ascii", "replace")
    # Single-byte Arabic charsets are the likeliest mislabels in this part of the world.
    best_arabic = ("", 0.0)
    for candidate in _ARABIC_CODECS:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        share = _arabic_share(text)
        if share > best_arabic[1]:
            best_arabic = (text, share)
    if best_arabic[1] >= 0.5:
        if codec:
            notes.append(f"text labelled {declared} read as Arabic")
        return best_arabic[0]
    if codec:
        return data.decode(codec, "replace")
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        return str(guess)
    return data.decode("utf-8", "replace")


def _header(message: Message, name: str, problems: list[str]) -> str:
    try:
        value = message.get(name)
    except Exception as error:  # a header the policy cannot parse
        problems.append(f"unreadable {name} header: {type(error).__name__}")
        # The header as it came, without the policy's parsing (which is what failed).
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:
        problems.append(f"unreadable {name} header")
        return ""
    return " ".join(text.split())


def _ids(value: str) -> list[str]:
    found = _ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return [x for x in found if "@" in x][:50]


class _HtmlText(HTMLParser):
    """HTML to plain text; the mail clients' quote blocks go to `quoted` instead."""

    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    SKIP = {"style", "script", "head", "title"}
    VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.quoted: list[str] = []
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, starts a quote, skip)
        self.quote_depth = 0
        self.skip_depth = 0
        self.rest_is_quote = False  # Outlook: everything after its reply header is history

    def _is_quote(self, tag: str, attrs: dict[str, str]) -> bool:
        classes = attrs.get("class", "").split()
        ident = attrs.get("id", "")
        if ident in {"divRplyFwdMsg", "appendonsend"} or "OutlookMessageHeader" in ident:
            self.rest_is_quote = True
            return True
        if tag == "blockquote":
            return True
        return bool(
            {"gmail_quote", "gmail_quote_container", "yahoo_quoted", "moz-cite-prefix"}
            & set(classes)
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in self.VOID:
            if tag in {"br", "hr"}:
                self._write("\n")
            return
        quote = self._is_quote(tag, values)
        skip = tag in self.SKIP
        self.stack.append((tag, quote, skip))
        self.quote_depth += quote
        self.skip_depth += skip
        if tag in self.BLOCK:
            self._write("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, quote, skip = self.stack.pop()
            self.quote_depth -= quote
            self.skip_depth -= skip
            if open_tag == tag:
                break
        if tag in self.BLOCK:
            self._write("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self._write(re.sub(r"[ \t\r\n\f]+", " ", data))

    def _write(self, text: str) -> None:
        target = self.quoted if (self.quote_depth or self.rest_is_quote) else self.out
        target.append(text)


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\xa0", " ").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(visible text, text of the quote blocks) of an HTML body."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is forgiving; this is for the truly pathological
        return _tidy(re.sub(r"<[^>]*>", " ", html)), ""
    return _tidy("".join(parser.out)), _tidy("".join(parser.quoted))


def sanitise_html(html: str) -> str:
    # Remote images stay out (tracking pixels); cid: images are shown as attachments instead.
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        tags=nh3.ALLOWED_TAGS - {"img"},
    )


def _automatic(message: Message, sender: str, problems: list[str]) -> str:
    auto = _header(message, "Auto-Submitted", problems).lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:40]}"
    precedence = _header(message, "Precedence", problems).lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = _header(message, name, problems)
        if value and not (name == "X-Auto-Response-Suppress" and value.lower() != "all"):
            return f"{name}: {value[:40]}"
    if _header(message, "List-Id", problems) or _header(message, "List-Unsubscribe", problems):
        return "mailing list"
    local = sender.partition("@")[0].lower()
    if local in {"mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply"}:
        return f"sent by {local}"
    return ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = name.replace("/", "_").replace("\\", "_").strip()
    return name[:150]


def _dsn(message: Message, parsed: Parsed) -> None:
    """Delivery status notifications (RFC 3464): what failed, and for which of our mails."""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            for block in blocks:
                if not isinstance(block, Message):
                    continue
                info = {k.lower(): str(v) for k, v in block.items()}
                if "action" in info or "status" in info:
                    parsed.dsn.append(
                        {
                            "action": info.get("action", "").strip().lower(),
                            "status": info.get("status", "").strip(),
                            "recipient": info.get("final-recipient", "").rpartition(";")[2].strip(),
                            "diagnostic": " ".join(info.get("diagnostic-code", "").split())[:300],
                        }
                    )
        elif ctype in {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                parsed.original_ids += _ids(str(inner[0].get("Message-ID", "")))
            elif isinstance(inner, str):
                match = re.search(r"^Message-ID:\s*(.+)$", inner, re.I | re.M)
                if match:
                    parsed.original_ids += _ids(match.group(1))
    if not parsed.original_ids:
        parsed.original_ids = _ids(parsed.text)


def guess_language(text: str) -> str:
    if re.search(r"[پچژگکی]", text):
        return "fa"
    if _ARABIC.search(text):
        return "ar"
    return "en" if re.search(r"[A-Za-z]", text) else ""


def parse(raw: bytes) -> Parsed:
    """Parse raw bytes; never raises (problems are listed in the result)."""
    parsed = Parsed()
    problems = parsed.problems
    message = message_from_bytes(raw, policy=policy.default)
    for defect in getattr(message, "defects", [])[:5]:
        problems.append(type(defect).__name__)
    parsed.message_id = next(iter(_ids(_header(message, "Message-ID", problems))), "")
    parsed.in_reply_to = _ids(_header(message, "In-Reply-To", problems))
    parsed.references = _ids(_header(message, "References", problems))
    from_value = _header(message, "From", problems) or _header(message, "Sender", problems)
    name, address = parseaddr(from_value)
    parsed.from_name = name.strip()[:200]
    parsed.from_address = address.strip().lower() if "@" in address else ""
    if not parsed.from_address:
        problems.append("no sender address")
    to_values = [_header(message, h, problems) for h in ("To", "Cc", "Delivered-To")]
    parsed.to = [a.lower() for _n, a in getaddresses([v for v in to_values if v]) if "@" in a]
    parsed.subject = _header(message, "Subject", problems)[:300]

    texts: list[str] = []
    htmls: list[str] = []
    for part in _walk(message, problems):
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        encoded = part.get_payload(decode=False)
        if isinstance(encoded, str) and len(encoded) > PART_LIMIT * 4 // 3 + 4096:
            # Far over any attachment limit: not decoded at all (the raw message keeps it).
            parsed.attachments.append(
                Part(
                    name=_filename(part) or "attachment",
                    content_type=ctype,
                    data=b"",
                    size=len(encoded) * 3 // 4,
                )
            )
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:
            problems.append(f"undecodable {ctype} part")
            continue
        if not isinstance(data, bytes):
            continue
        if ctype in {"text/plain", "text/html"} and disposition != "attachment":
            text = decode_text(data, part.get_content_charset(), problems)
            (texts if ctype == "text/plain" else htmls).append(text)
        elif part.get_content_maintype() != "multipart" and not ctype.startswith("message/"):
            if ctype == "text/plain" and not data:
                continue
            parsed.attachments.append(
                Part(
                    name=_filename(part) or "attachment",
                    content_type=ctype,
                    data=data,
                    inline=disposition == "inline" or bool(part.get("Content-ID")),
                    content_id=str(part.get("Content-ID", "")).strip("<> "),
                )
            )
    html = "\n".join(htmls)
    quoted_html = ""
    if html:
        parsed.html = sanitise_html(html)
    if texts:
        parsed.text = _tidy("\n\n".join(texts))
    elif html:
        parsed.text, quoted_html = html_to_text(html)
        parsed.text = _tidy(parsed.text + ("\n\n" + quoted_html if quoted_html else ""))
    if html and not texts:
        visible, _q = html_to_text(html)
        parsed.clean_text, parsed.quoted = fold_quotes(visible)
        parsed.quoted = _tidy("\n\n".join(x for x in (parsed.quoted, quoted_html) if x))
    else:
        parsed.clean_text, parsed.quoted = fold_quotes(parsed.text)
    parsed.automatic = _automatic(message, parsed.from_address, problems)
    report = message.get_content_type() == "multipart/report"
    local = parsed.from_address.partition("@")[0]
    if report or local in {"mailer-daemon", "postmaster"}:
        parsed.bounce = True
        _dsn(message, parsed)
    parsed.language = guess_language(parsed.clean_text or parsed.subject)
    return parsed


def _walk(message: Message, problems: list[str]) -> list[Message]:
    """The leaf parts, without descending into attached messages (forwarded mail stays one
    attachment). A part that cannot be walked is noted, not fatal."""
    leaves: list[Message] = []

    def visit(part: Message, depth: int) -> None:
        if depth > 20 or len(leaves) > 200:
            problems.append("too deeply nested")
            return
        if part.is_multipart():
            payload = part.get_payload()
            for child in payload if isinstance(payload, list) else []:
                if isinstance(child, Message):
                    visit(child, depth + 1)
            return
        leaves.append(part)

    try:
        visit(message, 0)
    except Exception as error:
        problems.append(f"unreadable structure: {type(error).__name__}")
    return leaves


def addresses_of(raw_header: str) -> list[str]:
    return [a.lower() for _n, a in getaddresses([raw_header]) if "@" in a]


__all__ = ["EmailMessage", "Parsed", "Part", "decode_text", "html_to_text", "parse"]


def parse_headers_only(raw: bytes) -> list[str]:
    """The addresses in To, Cc and Delivered-To, without parsing the body."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message = message_from_bytes(head, policy=policy.default)
    values = []
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        try:
            values += [str(v) for v in message.get_all(name, [])]
        except Exception:
            continue
    return [a.lower() for _n, a in getaddresses(values) if "@" in a]
