"""gunicorn's shape for `make run` (Procfile) and the load benchmarks (bench/_servers.py).

Chosen by measurement on the 2-core machine (bench intake and bench sync, PostgreSQL + Redis,
2026-11-30; the machine shared with other work, so figures moved by ±30 %):

    shape (workers × threads)   intake tickets/s   sync ops/s (8 devices)   32 devices p99
    2 × 1 (sync workers)               55                  208                   4.2 s
    4 × 1 (sync workers)               95                  275                   2.8 s
    2 × 4 (gthread)                   146                  659                   1.8 s
    4 × 4 (gthread)                   109                  416                   4.2 s

A request spends much of its time waiting for the database, so threads let one process work
while another request waits; more processes than cores only add switching and connections.
One process per core with four threads each: WEB_WORKERS and WEB_THREADS override it (a host
with more cores takes more workers).
"""

import os

workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# An idle keep-alive connection is closed after this many seconds. gunicorn's default, 2 s,
# closed connections that clients were about to reuse after a short pause: the sync bench lost
# one batch per run to "Remote end closed connection without response", and none at 75 s.
# gthread keeps idle connections in its poller, not in a thread, so a long wait costs little.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
