"""Integer money helpers for billing: fen in, fen out, half-up rounding, no floats."""

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$"}


def fee_amount(amount: int, bps: int) -> int:
    """amount x bps / 10000 rounded half up (away from zero for refunds, so a full refund reverses the fee exactly)."""
    sign = -1 if amount < 0 else 1
    return sign * ((abs(amount) * bps + 5000) // 10000)


def prorate(amount: int, remaining_seconds: float, total_seconds: float) -> int:
    """The share of `amount` for the remaining part of a period, rounded half up to the fen."""
    remaining, total = max(int(remaining_seconds), 0), max(int(total_seconds), 1)
    return (amount * remaining * 2 + total) // (2 * total)


def yuan(amount: int, currency: str = "CNY") -> str:
    """2,345.60 with the currency's symbol: ¥2,345.60 (negative: -¥12.00)."""
    value = (Decimal(abs(int(amount))) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{'-' if amount < 0 else ''}{SYMBOLS.get(currency, currency + ' ')}{value:,}"
