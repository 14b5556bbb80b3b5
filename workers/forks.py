"""Processes forked by `flask worker` die with it, even when it is killed with SIGKILL.

The worker forks a process for its clocks (workers.tickers) and a work horse per job. Killed
outright (the OOM killer, `kill -9`) it cannot stop them, and they ran on as orphans: a job
with nobody left to record its end. Linux's parent-death signal has the kernel signal each of
them as soon as the process that forked it dies, set in every fork by an at-fork hook.

The signal is SIGKILL: until a child installs handlers of its own it runs the worker's, which
only ask for a warm stop, and some of RQ's work horses ignore SIGTERM altogether. The kernel
sends it when the forking *thread* ends, and the worker forks from its main thread only.
"""

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_registered = False
_forking_pid = 0  # the process about to fork, noted by the hook run just before each fork


def forks_die_with_this_process() -> None:
    """Have the kernel kill every process forked from now on when the process that forked it
    dies (Linux only; elsewhere forks outlive a killed parent as before)."""
    global _registered
    if _registered or not sys.platform.startswith("linux"):
        return
    os.register_at_fork(before=_note_forking_pid, after_in_child=_die_with_parent)
    _registered = True


def _note_forking_pid() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _die_with_parent() -> None:
    """In a new child: ask for SIGKILL when the parent dies; die now if it already has."""
    if _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL)) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != _forking_pid:  # the parent died before the request took effect
        os._exit(1)


if sys.platform.startswith("linux"):
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
