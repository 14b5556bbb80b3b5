#!/usr/bin/env bash
# The checks `make test` runs once installed: ruff (lint and format), mypy, then pytest.
# PostgreSQL and Redis on their usual local ports are used when they answer (DATABASE_URL /
# REDIS_URL already set win); otherwise the tests use SQLite and the embedded Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
        || echo "warning: could not install chromium; the browser tests will not run" >&2
fi

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ] && answers 5432; then
    for role in postgres root; do
        url="postgresql+psycopg://$role@127.0.0.1:5432/test"
        if "$bin/python" -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" \
            "${url/+psycopg/}" 2>/dev/null; then
            export DATABASE_URL="$url"
            break
        fi
    done
fi
if [ -z "${REDIS_URL:-}" ] && answers 6379; then
    export REDIS_URL=redis://127.0.0.1:6379/15
fi
echo "database: ${DATABASE_URL:-SQLite}   redis: ${REDIS_URL:-embedded}"

"$bin/ruff" check .
"$bin/ruff" format --check .
"$bin/mypy"
"$bin/python" -m pytest -q -p no:cacheprovider "$@"
