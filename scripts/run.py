"""`make run`: the Procfile's processes (web app, RQ worker, simulated CRM) through honcho.

The embedded Redis, which they share, is started first unless REDIS_URL is set, and stopped
on the way out, whether Ctrl-C stopped honcho or one of the processes ended (honcho then
stops the others). Arguments go to `honcho start`: `scripts/run.py web worker` runs no CRM.
"""

import json
import os
import sys
from pathlib import Path

from honcho.command import main as honcho

ROOT = Path(__file__).resolve().parent.parent
ORG_FILE = ROOT / "fieldapp" / "demo" / "org.json"
STOPPED_AS_ASKED = (130, 143)  # honcho's exit codes after SIGINT (Ctrl-C) and SIGTERM


def main(argv: list[str]) -> int:
    """Start Redis, run honcho until it stops, stop Redis; 0 when stopped as asked."""
    os.chdir(ROOT)
    url = _set_environment()
    instance = _start_redis()
    print(_banner(url), flush=True)
    code = 0
    try:
        honcho(["start", *argv])
    except SystemExit as done:
        code = done.code or 0
    finally:
        if instance:
            from fieldapp.redis_conn import stop_embedded_redis

            stop_embedded_redis(instance)
    return 0 if code in STOPPED_AS_ASKED else code


def _set_environment() -> str:
    """What the Procfile's lines read (the venv's `python` first on PATH); the app's URL."""
    host = os.environ.setdefault("HOST", "127.0.0.1")
    port = os.environ.setdefault("PORT", "5000")  # honcho gives it to the first line, web
    url = os.environ.setdefault("FIELDAPP_URL", f"http://{host}:{port}")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    os.environ["PYTHONUNBUFFERED"] = "1"
    return url


def _start_redis() -> str | None:
    """Start the embedded Redis before the others (they share it); its instance folder."""
    if os.environ.get("REDIS_URL"):
        return None
    sys.path.insert(0, str(ROOT))
    from fieldapp import create_app
    from fieldapp.redis_conn import start_embedded_redis

    instance = create_app().instance_path
    print(f"embedded Redis: {start_embedded_redis(instance)}", flush=True)
    return instance


def _banner(url: str) -> str:
    """Where to open the app, and who can sign in."""
    org = json.loads(ORG_FILE.read_text(encoding="utf-8"))
    passwords = {u["password"] for u in org["users"]}
    lines = [
        "",
        f"  Open {url} once web says it is listening.",
        "",
        f"  Demo logins (password {' / '.join(sorted(passwords))}):",
    ]
    teams = [t["code"] for c in org["companies"] for t in c["teams"]]
    for team in teams:
        members = [u for u in org["users"] if u.get("team") == team]
        lines.append(
            f"    {team:<9} " + "  ".join(f"{u['username']} ({u['role']})" for u in members)
        )
    others = [u for u in org["users"] if not u.get("team")]
    lines.append(
        "    "
        + "  ".join(
            f"{u['username']} ({u['role']}{' ' + u['company'] if u.get('company') else ''})"
            for u in others
        )
    )
    lines += ["", "  Ctrl-C stops everything.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
