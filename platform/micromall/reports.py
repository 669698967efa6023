"""Management commands whose report a person reads (`make run` prints them to the terminal).

Django runs a management command in the product's default language (zh-Hans) and knows nothing of the shell's
MICROMALL_LANGUAGE, so `make run` says which one it speaks: every ReportCommand takes `--language` (default
settings.LANGUAGE_CODE) and runs `handle` with that language active, so the report's gettext strings come out in
it. Errors raised while the command runs are in that language too.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _


def report_language(value: str) -> str:
    """The product language `value` names ("en", "en-us", "zh-hans" ...); CommandError for any other."""
    try:
        return translation.get_supported_language_variant(value.strip().lower())
    except LookupError:
        raise CommandError(
            _("Unknown language %(language)s; choose one of: %(choices)s")
            % {"language": value, "choices": ", ".join(code for code, _name in settings.LANGUAGES)}
        ) from None


class ReportCommand(BaseCommand):
    """A BaseCommand with `--language`: write the report with gettext, it is printed in the chosen language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Added here, like BaseCommand's own --verbosity, so subclasses' add_arguments need not call super().
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help="Language of the report: one of settings.LANGUAGES (default: %(default)s).",
        )
        return parser

    def execute(self, *args, **options):
        with translation.override(report_language(options.get("language") or settings.LANGUAGE_CODE)):
            return super().execute(*args, **options)
