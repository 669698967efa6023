"""Which models are activities (each tool registers its concrete Activity subclasses from AppConfig.ready())."""

from django.db import models

_models: list[type[models.Model]] = []


def register_activity_model(model: type[models.Model]) -> None:
    if model not in _models:
        _models.append(model)


def activity_models() -> list[type[models.Model]]:
    return list(_models)
