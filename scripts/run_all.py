"""Run the web app, the RQ worker and the simulated CRM together, as `make run` does.

Prints where to open the app and the demo logins; Ctrl-C, or any of the three stopping,
stops them all (and the embedded Redis when no REDIS_URL is set).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORG_FILE = ROOT / "fieldapp" / "demo" / "org.json"
GRACE_SECONDS = 10


def main() -> int:
    """Start the three processes and watch them until one stops or we are told to stop."""
    args = _parse_args()
    url = f"http://{args.host}:{args.port}"
    instance = _start_redis()
    children = {name: _spawn(name, cmd) for name, cmd in _commands(args, url).items()}
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    code = 0
    try:
        code = _watch(children, url, stopping)
    finally:
        _stop(children)
        if instance:
            from fieldapp.redis_conn import stop_embedded_redis

            stop_embedded_redis(instance)
    return code


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--no-crm", action="store_true", help="Do not simulate the CRM.")
    return parser.parse_args()


def _commands(args: argparse.Namespace, url: str) -> dict[str, list[str]]:
    """The command line of each process."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    # No access log: query strings (a customer search) may carry phone numbers.
    # The control socket would sit in $HOME, shared by every checkout's `make run`.
    web = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"{args.host}:{args.port}",
           "--workers", "2", "--threads", "4", "--graceful-timeout", "5",
           "--no-control-socket"]
    commands = {
        "web": web,
        "worker": [*flask, "worker"],
        "crm": [*flask, "crm", "simulate", "--url", url],
    }
    if args.no_crm:
        del commands["crm"]
    return commands



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


def _spawn(name: str, cmd: list[str]) -> subprocess.Popen:
    """Start a process in its own session, its output prefixed with its name."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, text=True)
    threading.Thread(target=_relay, args=(name, proc), daemon=True).start()
    return proc


def _relay(name: str, proc: subprocess.Popen) -> None:
    for line in proc.stdout:
        sys.stdout.write(f"{name:<6} | {line}")
        sys.stdout.flush()


def _watch(children: dict[str, subprocess.Popen], url: str, stopping: threading.Event) -> int:
    """Wait until asked to stop (0) or until a process ends on its own (1)."""
    announced = False
    while not stopping.wait(0.5):
        for name, proc in children.items():
            if proc.poll() is not None:
                print(f"{name} stopped with exit code {proc.returncode}; stopping the others.")
                return 1
        if not announced and _answers(url):
            print(_banner(url), flush=True)
            announced = True
    return 0


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False
    return True


def _stop(children: dict[str, subprocess.Popen]) -> None:
    """SIGTERM every process group, then SIGKILL what is still running after the grace time."""
    for proc in children.values():
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _banner(url: str) -> str:
    """Where to open the app, and who can sign in."""
    org = json.loads(ORG_FILE.read_text(encoding="utf-8"))
    passwords = {u["password"] for u in org["users"]}
    lines = ["", f"  Open {url}", "",
             f"  Demo logins (password {' / '.join(sorted(passwords))}):"]
    teams = [t["code"] for c in org["companies"] for t in c["teams"]]
    for team in teams:
        members = [u for u in org["users"] if u.get("team") == team]
        lines.append(f"    {team:<9} " + "  ".join(
            f"{u['username']} ({u['role']})" for u in members))
    others = [u for u in org["users"] if not u.get("team")]
    lines.append("    " + "  ".join(
        f"{u['username']} ({u['role']}{' ' + u['company'] if u.get('company') else ''})"
        for u in others))
    lines += ["", "  Ctrl-C stops everything.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
