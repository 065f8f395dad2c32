"""Import and export: zip of Markdown, CSV, JSON; bad input refused whole with clear messages."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dukkan.knowledge import formats, services
from dukkan.knowledge.models import Article, ArticleRevision, Category, ImportJob
from dukkan.knowledge.selectors import search_articles
from tests.knowledge.conftest import owner_of, run_queued_tasks

pytestmark = pytest.mark.django_db


def make_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


MARKDOWN = {
    "refunds.md": "---\ntitle: سياسة الاسترداد\ncategory: المدفوعات\ntags: [استرداد]\nkind: faq\n---\nخلال ١٤ يوماً.\n",
    "guides/reading.md": "# القراءة على الهاتف\n\nحمّل ملف EPUB.\n",
    "no-title-here.md": "Just text.\n",
    "__MACOSX/._refunds.md": "junk",
    "notes.txt": "ignored",
}


def test_markdown_zip_csv_and_json_are_parsed() -> None:
    rows = formats.parse("zip", make_zip(MARKDOWN))
    assert [(r.title, r.kind, r.category) for r in rows] == [
        ("القراءة على الهاتف", "article", ""),
        ("no title here", "article", ""),
        ("سياسة الاسترداد", "faq", "المدفوعات"),
    ]
    assert rows[0].body == "حمّل ملف EPUB.\n"
    csv_rows = formats.parse(
        "csv", "\ufeffQuestion,Answer,Category\nكيف أدفع؟,بالبطاقة,الدفع\n".encode()
    )
    assert (csv_rows[0].title, csv_rows[0].kind, csv_rows[0].category) == (
        "كيف أدفع؟",
        "faq",
        "الدفع",
    )
    json_rows = formats.parse("json", json.dumps([{"question": "Q?", "answer": "A."}]).encode())
    assert (json_rows[0].title, json_rows[0].body) == ("Q?", "A.")


@pytest.mark.parametrize(
    ("format", "data", "message"),
    [
        ("csv", b"title;text\nx;y\n", "question"),
        ("csv", b'question,answer\n"unclosed,x\n', "broken"),
        ("csv", b"question,answer\nq,a,extra\n", "more cells"),
        ("csv", b"\xff\xfe\x00bad", "UTF-8"),
        ("csv", b"question,answer\n", "no rows"),
        ("json", b"{not json", r"not valid JSON \(line 1"),
        ("json", b'{"articles": 3}', "list of articles"),
        ("json", b"[1, 2]", "item 1 is not an object"),
        ("json", b"[]", "no articles"),
        ("zip", b"PK\x03\x04 not really", "not a zip"),
        ("zip", make_zip({"a.txt": "x"}), "no Markdown"),
        ("zip", make_zip({"a.md": "---\ntitle: [unclosed\n---\nx"}), "not valid YAML"),
        ("zip", make_zip({"a.md": "---\ntitle: x\n"}), "no closing"),
        ("zip", make_zip({"a.md": "x" * (formats.FILE_LIMIT + 1)}), "larger than 1 MB"),
        ("json", b" " * (formats.UPLOAD_LIMIT + 1), "larger than 20 MB"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(format: str, data: bytes, message: str) -> None:
    with pytest.raises(formats.FormatError, match=message):
        formats.parse(format, data)


def test_bad_rows_refuse_the_whole_import(store: Any, add: Callable[..., Any]) -> None:
    add("Existing", "x", language="en", slug="taken")
    rows = formats.parse(
        "json",
        json.dumps(
            [
                {"title": "Fine", "body": "ok"},
                {"title": "", "body": "no title"},
                {"title": "Dup", "slug": "same"},
                {"title": "Dup again", "slug": "same"},
                {"title": "Clash", "slug": "taken"},
                {"title": "Wrong", "status": "secret"},
                {"title": "x" * 300},
            ]
        ).encode(),
    )
    with pytest.raises(services.ImportError_) as refused:
        services.import_articles(store, rows, language="en")
    problems = "\n".join(refused.value.messages)
    assert "item 2: no title" in problems
    assert "item 4: the address “same” is also used by item 3" in problems
    assert "item 5: the address “taken” is already used" in problems
    assert "item 6: Unknown status" in problems
    assert "item 7: A title may be at most 255 characters" in problems
    assert Article.objects.filter(store=store).count() == 1  # nothing half-written


def test_import_creates_articles_categories_revisions_and_search(store: Any) -> None:
    result = services.import_articles(
        store, formats.parse("zip", make_zip(MARKDOWN)), language="ar"
    )
    assert (result.created, result.categories) == (3, 1)
    refund = Article.objects.get(store=store, title="سياسة الاسترداد")
    assert refund.category == Category.objects.get(store=store, name="المدفوعات")
    # The first edit keeps the imported state as revision 1, so it can be restored.
    services.update_article(refund, by=None, body="خلال ٣٠ يوماً.")
    first = ArticleRevision.objects.get(article=refund, number=1)
    assert first.body == "خلال ١٤ يوماً.\n"
    services.restore_revision(first, by=None)
    refund.refresh_from_db()
    assert refund.body == first.body
    assert search_articles(store, "الاستردادات")[0].title == "سياسة الاسترداد"
    # Imported twice: automatic addresses stay unique.
    services.import_articles(store, formats.parse("zip", make_zip(MARKDOWN)), language="ar")
    assert Article.objects.filter(store=store, title="سياسة الاسترداد").count() == 2


def test_export_then_import_round_trips(
    store: Any, other_store: Any, add: Callable[..., Any]
) -> None:
    category = services.save_category(store, name="Billing", language="en")
    add('Refunds, "quoted"', "Line 1\n\nLine, 2", language="en", category=category, tags=["a", "b"])
    add("الفاتورة", "نص", kind="faq")
    articles = list(Article.objects.filter(store=store).order_by("pk"))
    for kind, exporter in (
        ("json", formats.export_json),
        ("csv", formats.export_csv),
        ("zip", formats.export_zip),
    ):
        rows = formats.parse(kind, exporter(articles))
        assert sorted((r.title, r.body.strip(), r.category, r.language) for r in rows) == sorted(
            (a.title, a.body.strip(), a.category.name if a.category else "", a.language)
            for a in articles
        ), kind
    services.import_articles(
        other_store, formats.parse("json", formats.export_json(articles)), language="en"
    )
    assert Article.objects.filter(store=other_store).count() == 2


def test_dashboard_upload_runs_in_the_background_and_reports(
    store: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(owner_of(store))
    with translation.override("en"):
        upload_url = reverse("knowledge:import", kwargs={"store_slug": store.slug})
    refused = client.post(
        upload_url, {"file": SimpleUploadedFile("a.exe", b"MZ"), "language": "ar"}
    )
    assert refused.status_code == 400
    assert not ImportJob.objects.exists()

    csv_bytes = "question,answer\nكيف أدفع؟,بالبطاقة\nهل يوجد استرداد؟,نعم\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            upload_url, {"file": SimpleUploadedFile("faq.csv", csv_bytes), "language": "ar"}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get(store=store)
    waiting = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in waiting  # the page polls while it waits
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.payload) == ("done", 2, b"")
    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in done
    assert Article.objects.filter(store=store, kind="faq").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        broken = client.post(
            upload_url, {"file": SimpleUploadedFile("bad.json", b"[{]"), "language": "ar"}
        )
    run_queued_tasks()
    failed = ImportJob.objects.get(store=store, filename="bad.json")
    assert failed.status == "failed"
    assert "not valid JSON" in failed.error
    assert "not valid JSON" in client.get(broken["Location"]).content.decode()
    assert Article.objects.filter(store=store).count() == 2


def test_dashboard_export(store: Any, client: Client, add: Callable[..., Any]) -> None:
    add("سؤال", "جواب", kind="faq")
    client.force_login(owner_of(store))
    with translation.override("en"):
        url = reverse("knowledge:export", kwargs={"store_slug": store.slug})
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert "سؤال" in response.content.decode("utf-8-sig")
    assert client.get(url, {"format": "exe"}).status_code == 400


def test_management_command_imports_a_folder(store: Any, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Install\n\nUpload the zip.\n")
    (tmp_path / "b.md").write_text("---\ntitle: Refunds\nslug: refunds\n---\n30 days.\n")
    out = io.StringIO()
    call_command("kb_import", store.slug, str(tmp_path), "--language", "en", stdout=out)
    assert "Imported 2 of 2" in out.getvalue()
    assert Article.objects.filter(store=store, slug="refunds").exists()
    with pytest.raises(CommandError, match="already used"):
        call_command("kb_import", store.slug, str(tmp_path), "--language", "en", stdout=out)
    with pytest.raises(CommandError, match="No store"):
        call_command("kb_import", "nowhere", str(tmp_path), stdout=out)


def test_large_import_goes_in_batches_with_progress(store: Any) -> None:
    # bench/kb_import.py measures 10,000; here a smaller load checks batching and progress.
    rows = [
        services.ImportRow(
            title=f"Question {n} about licence {n % 97}", body=f"Answer number {n}.", kind="faq"
        )
        for n in range(2_000)
    ]
    ticks: list[tuple[int, int]] = []
    result = services.import_articles(
        store, rows, language="en", batch_size=500, progress=lambda *tick: ticks.append(tick)
    )
    assert result.created == 2_000
    assert ticks == [(500, 2000), (1000, 2000), (1500, 2000), (2000, 2000)]
    assert search_articles(store, "Question 1234", limit=1)[0].title.startswith("Question 1234 ")
