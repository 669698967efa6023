"""Signals other shop apps may listen to (through interface.py)."""

from django.dispatch import Signal

# Sent inside the registration transaction with `member` and `ref` (a distributor code, may be empty);
# a receiver raising a domain error refuses the registration.
member_registered = Signal()
