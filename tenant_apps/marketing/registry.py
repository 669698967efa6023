"""Which models are activities (each tool registers its concrete Activity subclasses from AppConfig.ready()),
and the tools' own clocks: `register_clock(fn)` where `fn(now)` catches the tool's timed rows up (e.g. bargain
sessions past their time limit) and returns the next moment it needs waking at (None: nothing coming). The
marketing beat pass (services.sync_statuses) runs every clock and indexes the nearest moment with the
activities' boundaries, so a tool needs no beat task or Redis index of its own."""

from collections.abc import Callable
from datetime import datetime

from django.db import models

_models: list[type[models.Model]] = []
_clocks: list[Callable[[datetime], datetime | None]] = []


def register_activity_model(model: type[models.Model]) -> None:
    if model not in _models:
        _models.append(model)


def activity_models() -> list[type[models.Model]]:
    return list(_models)


def register_clock(clock: Callable[[datetime], datetime | None]) -> None:
    if clock not in _clocks:
        _clocks.append(clock)


def clocks() -> list[Callable[[datetime], datetime | None]]:
    return list(_clocks)
