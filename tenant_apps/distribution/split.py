"""The commission split rule (pure, no database).

For one level, line i has base b_i (what the buyer paid for the line after every discount, shipping excluded)
and rate r_i (basis points). The level's total is floor(sum(b_i * r_i) / 10000). Each line first gets
floor(b_i * r_i / 10000); the leftover fens (fewer than the number of lines) go one each to the lines with the
largest remainders (b_i * r_i mod 10000), ties to the earlier line. So the lines sum exactly to the total:
no fen created, none lost.
"""

BPS = 10000


def split_commission(lines: list[tuple[int, int]]) -> list[int]:
    """[(base_amount, rate_bps)] -> commission per line, summing to floor(sum(base*rate)/10000)."""
    products = [base * rate for base, rate in lines]
    amounts = [p // BPS for p in products]
    leftover = sum(products) // BPS - sum(amounts)
    by_remainder = sorted(range(len(lines)), key=lambda i: (-(products[i] % BPS), i))
    for i in by_remainder[:leftover]:
        amounts[i] += 1
    return amounts


def pro_rata(amounts: list[int], part: int, whole: int) -> list[int]:
    """Each amount times part/whole, rounded down per line (a refund of `part` out of `whole` goods paid);
    part == whole gives the amounts back exactly."""
    if whole <= 0:
        return [0 for _ in amounts]
    part = max(0, min(part, whole))
    return [a * part // whole for a in amounts]
