"""Where the zh-Hans catalogues live and how they are built; used by `manage.py translations` and tests/test_i18n.py.

Convention (docs/backoffice.md): English msgids; each app keeps `<app>/locale/zh_Hans/LC_MESSAGES/django.po`;
strings outside an app with a catalogue (platform/, themes/, deploy/run.py) go to the project-level `locale/`.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE = "zh_Hans"
EXTENSIONS = ["html", "txt", "py"]
# Folders that hold no shipped strings (tests assert on them, bench is tooling). deploy/ is extracted: the
# messages of `make run` (deploy/run.py) are in the project-level catalogue; its other .py files have none.
IGNORE = [".venv", ".data", "tests", "bench", "docs", "test-artifacts", "node_modules", "*/demo/*"]
STATS = re.compile(r"(?P<n>\d+) (?P<kind>translated|fuzzy|untranslated) message")


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(
        po
        for po in root.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/django.po")
        if not any(part in {".venv", ".data", "node_modules"} for part in po.relative_to(root).parts)
    )


def compile_catalogue(po: Path, mo: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True, capture_output=True)


def statistics(po: Path) -> dict[str, int]:
    """{"translated": n, "fuzzy": n, "untranslated": n} as msgfmt counts them."""
    done = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], check=True, capture_output=True, text=True
    )
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for match in STATS.finditer(done.stderr):
        counts[match["kind"]] = int(match["n"])
    return counts


def unfinished_entries(po: Path) -> list[str]:
    """msgids that are untranslated or fuzzy (msgattrib does the parsing)."""
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)], check=True, capture_output=True, text=True
        ).stdout
        found += [m for m in re.findall(r'^msgid "(.*)"$', out, flags=re.M) if m]
    return found
