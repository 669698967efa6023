"""Django's PostgreSQL backend with a health check that costs no round trip when the connection is quiet.

django-tenants builds its schema-aware backend on this one (settings.ORIGINAL_BACKEND). With CONN_HEALTH_CHECKS,
Django sends `SELECT 1` before the first query of every request that reuses a connection: one round trip per
request, about 7% of an order's time in the web worker. A server that ends a connection (restart, terminate,
idle timeout) writes its goodbye and closes the socket, so the socket turns readable; while an idle connection's
socket has nothing to read, the server has not ended it, and the check is answered without asking. When there is
something to read, or the connection is not idle, Django's `SELECT 1` decides as before.
"""

import select

from django.db.backends.postgresql.base import *  # noqa: F403 (the module django-tenants extends)
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg2.extensions import TRANSACTION_STATUS_IDLE


class DatabaseWrapper(PostgresDatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.health_check_enabled and not self.health_check_done and self.quiet_and_idle():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def quiet_and_idle(self) -> bool:
        """Open, outside a transaction, and the server has sent nothing since the last answer."""
        raw = self.connection
        if raw is None or raw.closed or raw.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return False
        readable, _writable, _failed = select.select([raw.fileno()], [], [], 0)
        return not readable
