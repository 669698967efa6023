"""`manage.py translations`: refresh every zh-Hans catalogue from the code, then compile each .po to its .mo."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from micromall import translations


class Command(BaseCommand):
    help = "Extract messages into every <app>/locale/zh_Hans catalogue and compile them (.mo)."

    def add_arguments(self, parser):
        parser.add_argument("--compile-only", action="store_true", help="only compile the .po files")

    def handle(self, *args, compile_only=False, **options):
        if not compile_only:
            cwd = os.getcwd()
            os.chdir(translations.ROOT)
            try:
                call_command(
                    "makemessages",
                    locale=[translations.LANGUAGE],
                    extensions=translations.EXTENSIONS,
                    ignore_patterns=translations.IGNORE,
                    no_obsolete=True,
                    no_location=True,  # line numbers churn on every edit and make merges conflict
                    verbosity=0,
                )
            finally:
                os.chdir(cwd)
        for po in translations.catalogues():
            translations.compile_catalogue(po, po.with_suffix(".mo"))
            stats = translations.statistics(po)
            self.stdout.write(f"{po.relative_to(translations.ROOT)}: {stats}")
