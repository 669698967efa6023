"""`make run`, the Makefile and deploy/scripts print one language per message: zh-Hans unless MICROMALL_LANGUAGE
starts with `en` (never "中文 English" glued in one line)."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# deploy/run.py's messages, printed the way run.py prints them (its own minimal Django, not the test settings).
RUN_PY_MESSAGES = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, "deploy")
    import run

    print("language", run.use_language())
    run.say(run._("Migrating the shared schema"))
    print(run.welcome(8123, "localhost", "PASSWORD", "/gallery"))
    print(run._("Port %(port)s on 127.0.0.1 is in use. Stop what uses it, or pick another: %(command)s")
          % {"port": 8123, "command": "PORT=8124 make run"})
    """
)


def run_py_output(language: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MICROMALL_LANGUAGE"}
    if language is not None:
        env["MICROMALL_LANGUAGE"] = language
    done = subprocess.run(
        [sys.executable, "-c", RUN_PY_MESSAGES], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def value_columns(output: str) -> set[int]:
    """Display column where each banner row's value (a URL, a login, a path) starts."""
    rows = [line for line in output.splitlines() if line.startswith("  ") and ("http://" in line or "/" in line)]
    assert len(rows) == 10
    return {width(re.match(r"^(  .*?\s{2,})\S", row).group(1)) for row in rows}


def test_run_py_speaks_zh_hans_by_default():
    out = run_py_output(None)

    assert "language zh-hans" in out
    assert "==> 正在迁移公共 schema" in out
    assert "微商城已启动。" in out and "按 Ctrl-C 停止。" in out
    assert "  平台首页" in out and "http://localhost:8123/gallery" in out
    assert "  店主登录" in out and "demo@micromall.localhost / PASSWORD" in out
    assert "127.0.0.1 的端口 8123 已被占用" in out and "PORT=8124 make run" in out
    assert not re.search(r"Micromall is running|Migrating|Platform|Operator|Press Ctrl-C|is in use", out)
    assert len(value_columns(out)) == 1


@pytest.mark.parametrize("language", ["en", "en-us", "EN"])
def test_run_py_speaks_english_when_asked(language):
    out = run_py_output(language)

    assert "language en" in out
    assert "==> Migrating the shared schema" in out
    assert "Micromall is running." in out and "Press Ctrl-C to stop." in out
    assert "  Platform " in out and "  Shop owner login " in out
    assert "Port 8123 on 127.0.0.1 is in use. Stop what uses it, or pick another: PORT=8124 make run" in out
    assert CJK.search(out) is None
    assert len(value_columns(out)) == 1


def test_run_py_treats_any_other_value_as_zh_hans():
    assert "微商城已启动。" in run_py_output("zh-hans")
    assert "微商城已启动。" in run_py_output("fr")


# ---------------------------------------------------------------- the management commands run.py runs

# Stands in for `python manage.py ...`: records each command line and prints a report like bootstrap_demo's.
FAKE_MANAGE = """#!/usr/bin/env bash
shift  # manage.py
echo "$*" >> "$FAKE_MANAGE_LOG"
echo "report of $1"
if [ "$1" = bootstrap_demo ]; then echo "password $3"; fi
"""

RUN_PY_PREPARE = textwrap.dedent(
    """
    import os
    import sys
    sys.path.insert(0, "deploy")
    import run

    run.use_language()
    run.PY = os.environ["FAKE_PYTHON"]
    run.prepare(os.environ.copy())
    """
)


def run_py_prepare(tmp_path: Path, language: str | None) -> tuple[str, list[str]]:
    """deploy/run.py's migrate-and-demo-data steps with a fake manage.py: what it printed, the commands it ran."""
    fake = tmp_path / "python"
    fake.write_text(FAKE_MANAGE)
    fake.chmod(0o755)
    log = tmp_path / "manage.log"
    env = {k: v for k, v in os.environ.items() if k != "MICROMALL_LANGUAGE"}
    env |= {"FAKE_PYTHON": str(fake), "FAKE_MANAGE_LOG": str(log), "MICROMALL_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "data").mkdir()
    if language is not None:
        env["MICROMALL_LANGUAGE"] = language
    done = subprocess.run(
        [sys.executable, "-c", RUN_PY_PREPARE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout, log.read_text().splitlines()


@pytest.mark.parametrize(("language", "code"), [(None, "zh-hans"), ("fr", "zh-hans"), ("en", "en"), ("EN_us", "en")])
def test_run_py_asks_the_management_commands_for_its_language(tmp_path, language, code):
    out, commands = run_py_prepare(tmp_path, language)

    # the commands that report to the user get run.py's language; the silent ones (-v 0) need none
    reports = [line for line in commands if "--language" in line]
    assert [line.split()[0] for line in reports] == ["migrate_spares", "bootstrap_demo", "create_demo_shops"]
    assert all(line.endswith(f"--language {code}") for line in reports)
    assert not any("--language" in line for line in commands if line.startswith(("migrate_schemas", "collectstatic")))
    # their reports are shown, except the password line (the welcome banner shows it once)
    assert "    report of migrate_spares" in out and "    report of create_demo_shops" in out
    assert "    report of bootstrap_demo" in out and "password" not in out


SAY = 'source deploy/scripts/say.sh; say "Starting Redis" "正在启动 Redis"; say_err "Redis failed" "Redis 无法启动"'


@pytest.mark.parametrize(
    ("language", "out", "err"),
    [
        (None, "正在启动 Redis\n", "Redis 无法启动\n"),
        ("zh-hans", "正在启动 Redis\n", "Redis 无法启动\n"),
        ("en", "Starting Redis\n", "Redis failed\n"),
        ("EN_us", "Starting Redis\n", "Redis failed\n"),
    ],
)
def test_shell_scripts_print_one_language(language, out, err):
    env = {k: v for k, v in os.environ.items() if k != "MICROMALL_LANGUAGE"}
    if language is not None:
        env["MICROMALL_LANGUAGE"] = language

    done = subprocess.run(["bash", "-c", SAY], cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    assert (done.stdout, done.stderr) == (out, err)


def test_front_door_files_echo_no_chinese_directly():
    # Chinese reaches the terminal only through say/say_err (shell) or the SAY_* variables (Makefile), which pick
    # one language; an echo with Chinese in it is a glued or untranslatable message.
    for path in ("Makefile", "deploy/scripts/ensure-services.sh", "deploy/scripts/ensure-browser.sh"):
        for line in (ROOT / path).read_text().splitlines():
            assert not (re.search(r"\becho\b", line) and CJK.search(line)), f"{path}: {line}"


# ---------------------------------------------------------------- the Makefile's pip step

FAKE_PIP = """#!/usr/bin/env bash
# stands in for `python -m pip install ...`
echo "WARNING: Location 'file:///opt/pypi/simple/django/' is ignored: it is neither a file nor a directory." >&2
echo "Collecting something"
echo "WARNING: Location 'file:///opt/pypi-more/simple/six/' is ignored: it is neither a file nor a directory." >&2
[ -n "${FAKE_PIP_ERROR:-}" ] && echo "ERROR: No matching distribution found for nothing==9" >&2
exit "${FAKE_PIP_EXIT:-0}"
"""


def make_install(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    fake = tmp_path / "python"
    fake.write_text(FAKE_PIP)
    fake.chmod(0o755)
    venv = tmp_path / "venv"
    venv.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))} | env
    return subprocess.run(
        ["make", "-s", "-C", str(ROOT), f"VENV={venv}", f"PY={fake}", f"{venv}/.installed"],
        env=environ,
        capture_output=True,
        text=True,
    )


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_drops_the_machine_pip_config_warnings_and_keeps_the_rest(tmp_path):
    done = make_install(tmp_path, MICROMALL_LANGUAGE="en")

    assert done.returncode == 0, done.stderr
    assert "WARNING: Location" not in done.stdout + done.stderr
    assert "Collecting something" in done.stdout
    assert "==> Installing the Python dependencies into" in done.stdout
    assert (tmp_path / "venv" / ".installed").exists()


@needs_make
def test_make_shows_pip_errors_and_fails_with_pip(tmp_path):
    done = make_install(tmp_path, FAKE_PIP_ERROR="1", FAKE_PIP_EXIT="3")

    assert done.returncode != 0
    assert "ERROR: No matching distribution found for nothing==9" in done.stderr
    assert "WARNING: Location" not in done.stderr
    assert "==> 正在把 Python 依赖安装到" in done.stdout
    assert not (tmp_path / "venv" / ".installed").exists()
