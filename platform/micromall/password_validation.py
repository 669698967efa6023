"""Password rules with messages in our catalogue: Django 5.2's zh-Hans catalogue lacks the minimum-length text,
so Chinese pages showed it in English next to the other validators' Chinese."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Use at least %(min_length)d character.", "Use at least %(min_length)d characters.", self.min_length
        ) % {"min_length": self.min_length}
