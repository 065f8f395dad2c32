"""Reply clean-up: fold away quoted history and signatures; normalise subject prefixes.

PyPI has no maintained library for this (talon and email_reply_parser are unmaintained and
know only English clients), so this is a small one for the English, Arabic and Persian formats
of Gmail, Outlook, Apple Mail, Thunderbird and phone clients. It works on plain text (HTML is
turned into text first, with the clients' quote blocks already set aside by `mime`).
"""

from __future__ import annotations

import re

# "On Tue, 3 Mar 2026 at 10:00, Sara <sara@x> wrote:" and its Arabic/Persian forms. The
# attribution may wrap onto a second line, so these are matched on a line and the next.
_ATTRIBUTION = [
    re.compile(r"^\s*On\b.{0,300}\bwrote\s*:\s*$", re.I | re.S),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.I | re.S),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,100}:\s*$", re.I | re.S),
    re.compile(r"^\s*(في|فى|بتاريخ|يوم)\s.{0,300}(كتب|كتبت)\s*.{0,200}:?\s*$", re.S),
    re.compile(r"^\s*.{0,300}\s(كتب|كتبت)\s*:\s*$", re.S),
    re.compile(r"^\s*(در|روز|تاریخ)\s.{0,300}نوشت(ه است)?\s*:?\s*$", re.S),
    re.compile(r"^\s*.{0,300}\sنوشت(ه است)?\s*:\s*$", re.S),
]
# Outlook's header block of the quoted mail: "From: …" followed by "Sent:"/"Date:" lines.
_FROM = re.compile(r"^\s*\*?(From|De|Von|من|از|فرستنده)\s*\*?\s*:", re.I)
_SENT = re.compile(
    r"^\s*\*?(Sent|Date|Envoyé|Gesendet|To|Subject|تاريخ الإرسال|التاريخ|إلى|الموضوع|"
    r"ارسال شده|ارسال|تاریخ|به|موضوع)\s*\*?\s*:",
    re.I,
)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Forwarded message|الرسالة الأصلية|رسالة معاد توجيهها|"
    r"پیام اصلی|پیام هدایت‌شده|پیام ارسال‌شده)\s*-{2,}|_{20,}|-{20,})\s*$",
    re.I,
)
# Phone clients' signatures ("Sent from my iPhone", «أُرسلت من iPhone», «ارسال شده از iPhone»).
_MOBILE = re.compile(
    r"^\s*(Sent from my \w+|Sent from (Outlook|Mail|Yahoo Mail)\b.*|Get Outlook for \w+|"
    r"(أرسلت|أُرسلت|مرسل|تم الإرسال) (من|مِن) .{1,40}|ارسال شده (از|توسط) .{1,40}|"
    r"فرستاده شده از .{1,40})\s*$",
    re.I,
)
_SIGNATURE = re.compile(r"^-- ?$")


def _cut(lines: list[str]) -> int | None:
    """Index of the first line of the quoted history, or None."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _SEPARATOR.match(stripped):
            return i
        pair = stripped + (" " + lines[i + 1].strip() if i + 1 < len(lines) else "")
        for pattern in _ATTRIBUTION:
            if pattern.match(stripped) or (
                len(stripped) < 200 and pattern.match(pair) and not pattern.match(lines[i + 1])
            ):
                # An attribution counts only when quoted text or nothing but quotes follows,
                # so a sentence ending in "wrote:" in the middle of a reply stays.
                rest = [x for x in lines[i + 1 :] if x.strip()]
                if not rest or rest[0].lstrip().startswith(">") or len(pair) < 300:
                    return i
        if _FROM.match(stripped):
            following = [x for x in lines[i + 1 : i + 5] if x.strip()]
            if sum(1 for x in following if _SENT.match(x.strip())) >= 2:
                return i
    return None


def fold_quotes(text: str) -> tuple[str, str]:
    """(new text, folded-away text). Never returns empty new text for a non-empty message
    that is all quote (a bare forward): then everything stays visible."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _cut(lines)
    kept, folded = (lines, []) if cut is None else (lines[:cut], lines[cut:])
    # Signature delimiter "-- " and phone signatures at the end of what is left.
    for i, line in enumerate(kept):
        if _SIGNATURE.match(line):
            folded = kept[i:] + folded
            kept = kept[:i]
            break
    while kept and (not kept[-1].strip() or _MOBILE.match(kept[-1])):
        if kept[-1].strip():
            folded.insert(0, kept[-1])
        kept.pop()
    # A trailing block of "> " lines (top-posting with an unattributed quote).
    while kept and (kept[-1].lstrip().startswith(">") or not kept[-1].strip()):
        folded.insert(0, kept.pop())
    new = "\n".join(kept).strip()
    if not new:
        return text.strip(), ""
    return new, "\n".join(folded).strip()


_PREFIX = re.compile(
    r"^\s*(re|fw|fwd|aw|wg|sv|vs|tr|rif|antw|رد|ردّ|الرد|جواب|إعادة توجيه|اعادة توجيه|توجيه|"
    r"تحويل|پاسخ|پاسخ به|جواب|ارسال مجدد|هدایت|باز ?ارسال|فوروارد)"
    r"\s*(\[\d+\]|\(\d+\))?\s*[:：؛،]\s*",
    re.I,
)


def normalise_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, in any of the three languages."""
    subject = " ".join(subject.split())
    while True:
        stripped = _PREFIX.sub("", subject, count=1)
        stripped = re.sub(r"^\[(fwd?|re)\s*:\s*(.*)\]$", r"\2", stripped, flags=re.I)
        if stripped == subject:
            return subject.strip()
        subject = stripped
