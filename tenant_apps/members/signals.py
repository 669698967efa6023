"""Signals other shop apps may listen to (through interface.py)."""

from django.dispatch import Signal

# Sent inside the registration transaction with `member` and `ref` (a distributor code, may be empty), after
# distribution has bound the member (an explicit call through its interface); a receiver raising a domain
# error refuses the registration.
member_registered = Signal()
