"""deploy/gunicorn.conf.py plus two signals that turn ANALYTICS_COLLECT on and off in a running worker, the way
override_settings changes a setting (setting_changed): bench/analytics.py's "switched" mode and
bench/analytics_callgrind.py's one-worker mode compare collection on and off inside the same worker processes."""

import os
import signal

exec(open(os.path.join(os.path.dirname(__file__), "..", "deploy", "gunicorn.conf.py")).read())  # noqa: SIM115

_deploy_post_worker_init = post_worker_init  # noqa: F821 (from the exec above)
COLLECT_ON, COLLECT_OFF = signal.SIGRTMIN + 3, signal.SIGRTMIN + 4


def collect_switch(value: bool):
    def switch(*_):
        from django.conf import settings
        from django.core.signals import setting_changed

        settings.ANALYTICS_COLLECT = value
        setting_changed.send(sender=None, setting="ANALYTICS_COLLECT", value=value, enter=True)

    return switch


def post_worker_init(worker):
    _deploy_post_worker_init(worker)
    signal.signal(COLLECT_ON, collect_switch(True))
    signal.signal(COLLECT_OFF, collect_switch(False))
