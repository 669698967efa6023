"""Notifications expose nothing to other apps: they listen to order events (handlers.py) and send e-mail."""

__all__: list[str] = []
