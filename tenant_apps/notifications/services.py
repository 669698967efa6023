"""Sending notices: render the zh-Hans (default language) e-mail, record it per (event, recipient), send it.

The record and the send share the event handler's transaction: if sending raises, the record rolls back and the
events drain retries the handler; a recipient already recorded for this event is skipped, so a redelivered event
never mails anyone twice (at worst a crash between the SMTP answer and the commit sends one duplicate).
"""

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import SentNotice


@transaction.atomic
def send_notice(
    *, event_id: uuid.UUID, kind: str, audience: str, recipients: list[str], context: dict, order_number: str = ""
) -> int:
    """Mail `kind` to each recipient not yet notified of this event; returns how many were sent."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "audience": audience}
        subject = " ".join(render_to_string(f"notifications/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"notifications/email/{kind}.txt", context)
    for recipient in dict.fromkeys(recipients):
        try:
            with transaction.atomic():
                SentNotice.objects.create(
                    event_id=event_id, kind=kind, audience=audience, recipient=recipient, subject=subject[:200],
                    order_number=order_number,
                )  # fmt: skip
        except IntegrityError:
            continue  # this recipient already has this event's e-mail
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        sent += 1
    return sent
