"""`dukkan manage kb_import STORE PATH [--language ar|fa|en]`: a folder of Markdown files,
a .zip of them, a .csv (question, answer) or a .json file into a store's knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dukkan.core.models import Store
from dukkan.knowledge import formats, services


class Command(BaseCommand):
    help = "Import articles into a store's knowledge base (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("store", help="the store's address (slug)")
        parser.add_argument("path", help="a folder of .md files, or a .zip, .csv or .json file")
        parser.add_argument("--language", choices=["ar", "fa", "en"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None:
            raise CommandError(f"No store with the address {options['store']!r}.")
        path = Path(options["path"])
        language = options["language"] or store.default_language
        try:
            if path.is_dir():
                rows = formats.parse_folder(path)
            elif path.is_file():
                kind = path.suffix.lower().lstrip(".")
                rows = formats.parse(kind, path.read_bytes())
            else:
                raise CommandError(f"{path} does not exist.")
            total = len(rows)

            def progress(done: int, all_rows: int) -> None:
                self.stdout.write(f"{done}/{all_rows}")

            result = services.import_articles(store, rows, language=language, progress=progress)
        except formats.FormatError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created} of {total} articles "
                f"({result.categories} new categories) into {store.slug}."
            )
        )
