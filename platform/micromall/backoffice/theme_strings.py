"""Strings the admin theme (django-unfold) shows but does not translate into zh-Hans itself.

Marked here so `manage.py translations` extracts them into our catalogue, which Django consults first
(LOCALE_PATHS); unfold looks them up by the same msgid at run time.
"""

from django.utils.translation import gettext_noop

UNFOLD_MSGIDS = (
    gettext_noop("Select value"),  # the empty choice of every select on unfold's forms
)
