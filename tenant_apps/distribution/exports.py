"""CSV exports for the back office: the ledger, distributors, and the compliance report (rules in force and
payouts for a period). Cells that a spreadsheet would run as a formula are escaped."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from micromall.money import to_yuan_text

from .selectors import distribution_settings
from .services import effective_freeze_days

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A text cell starting like a formula gets a leading apostrophe (CSV injection); numbers stay numbers."""
    if isinstance(value, int):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def yuan(amount: int | None) -> str:
    """Fen -> '129.00' for CSV cells: micromall.money's formatter (the one everywhere), without the ¥."""
    return to_yuan_text(amount)


def csv_rows(rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # Excel opens UTF-8 Chinese text correctly only with a BOM
    for row in rows:
        writer.writerow([cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def ledger_rows(entries) -> Iterator[list]:
    yield [_("Order"), _("Distributor"), _("Level"), _("Kind"), _("Base (yuan)"), _("Rate (bps)"),
           _("Amount (yuan)"), _("Status"), _("Created"), _("Available at")]  # fmt: skip
    for e in entries.select_related("distributor"):
        yield [e.order_number, e.distributor.code, e.level, e.kind, yuan(e.base_amount), e.rate_bps, yuan(e.amount),
               e.status, e.created.isoformat(), e.available_at.isoformat() if e.available_at else ""]  # fmt: skip


def distributor_rows(distributors) -> Iterator[list]:
    yield [_("Code"), _("Member"), _("Status"), _("Tier"), _("Created")]
    for d in distributors.select_related("member", "tier"):
        yield [d.code, str(d.member), d.status, d.tier.name if d.tier_id else "", d.created.isoformat()]


def compliance_rows(*, withdrawals, start, end) -> Iterator[list]:
    """The rules in force (recruiting earns nothing: no entry fee, no head-count bonus) and every payout."""
    s = distribution_settings()
    yield [_("Period"), start.isoformat(), end.isoformat()]
    yield [_("Levels"), s.levels]
    yield [_("Rates (bps)"), " / ".join(str(r) for r in s.rates_bps)]
    yield [_("Commission base"), _("What the buyer paid for each line after every discount, shipping excluded")]
    yield [_("Freeze days after completion"), effective_freeze_days(s.freeze_days)]
    yield [_("Entry fee"), 0]
    yield [_("Recruitment bonus"), 0]
    yield []
    yield [_("Withdrawal"), _("Distributor"), _("Amount (yuan)"), _("Status"), _("Payout method"),
           _("Transfer reference"), _("Decided")]  # fmt: skip
    decided = withdrawals.filter(decided_at__gte=start, decided_at__lt=end).select_related("distributor")
    for w in decided.order_by("decided_at", "pk"):
        yield [w.pk, w.distributor.code, yuan(w.amount), w.status, w.payout_method, w.transfer_reference,
               w.decided_at.isoformat()]  # fmt: skip
