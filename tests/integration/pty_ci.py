#!/usr/bin/env python3
"""A CI job (examples/ci_job.c: a runner and its worker) at an interactive bash on a
pseudo-terminal, as a person cancels it with the keyboard (docs/ci.md).

Usage: pty_ci.py SCENARIO LOG [PREFIX...]
Like pty_job_control.py (whose Session it uses): the job runs as `PREFIX... ci_job LOG`
in the foreground (PREFIX empty natively, `sigvisor ... --` under sigvisor). Prints what
each process of the job saw (from LOG), what bash said, and the exit status; the test
compares the transcripts natively and under sigvisor. Every wait is a bounded liveness
wait on what the job logged, never a timed assertion.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pty_job_control import Session, run_scenario  # noqa: E402

EXAMPLES = os.environ.get("SIGVISOR_EXAMPLES_DIR", "")
WAIT = 60  # seconds: a liveness bound, generous for loaded machines
LOG = ""


def seen(role):
    try:
        with open(LOG) as f:
            return [line.split(" ", 1)[1].strip() for line in f if line.startswith(role + " ")]
    except OSError:
        return []


def until_logged(role, what, count):
    deadline = time.monotonic() + WAIT
    while seen(role).count(what) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{role} never logged {what} x{count}: {seen(role)}")
        time.sleep(0.01)


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        return stat[stat.rfind(")") + 2]
    except OSError:
        return "gone"


def start(s, prefix, redirect=""):
    s.prompt()
    s.send(f"{prefix} {EXAMPLES}/ci_job {LOG}{redirect}\n")
    m = s.expect(r"ready (\d+) (\d+)\n", WAIT)
    return int(m.group(1)), int(m.group(2))


def ctrl_c(s, n):
    """^C, then until both processes logged their n-th SIGINT."""
    s.send("\x03")
    until_logged("runner", "SIGINT", n)
    until_logged("worker", "SIGINT", n)


def finish(s, out):
    s.prompt()
    s.send("echo status=$?\n")
    status = s.expect(r"status=\d+", WAIT).group(0)
    out.append("runner: " + ", ".join(seen("runner")))
    out.append("worker: " + ", ".join(seen("worker")))
    out.append(status)


def interrupt_stop_quit(s, prefix, out):
    """^C (the job goes on), ^Z (both stop, bash says so), fg, ^\\ (both leave, 8)."""
    runner, worker = start(s, prefix)
    ctrl_c(s, 1)
    s.send("\x1a")  # ^Z
    m = s.expect(r"(Stopped[^\n]*)\n", WAIT)
    out.append(m.group(1).split("  ")[0].strip())
    deadline = time.monotonic() + WAIT
    while not all(state(p) in ("T", "t") for p in (runner, worker)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not both stopped: {state(runner)} {state(worker)}")
        time.sleep(0.01)
    out.append("runner and worker stopped")
    s.prompt()
    s.send("fg\n")
    s.expect(r"ci_job[^\n]*\n", WAIT)
    # bash prints the job's name before it hands the terminal over and continues the job:
    # a ^\ typed before that would go to bash, which ignores it (natively too).
    deadline = time.monotonic() + WAIT
    while (os.tcgetpgrp(s.fd) == s.pid or
           any(state(p) in ("T", "t") for p in (runner, worker))):
        if time.monotonic() > deadline:
            raise TimeoutError("the job never got the terminal back")
        time.sleep(0.01)
    s.send("\x1c")  # ^\
    finish(s, out)


def redirected(s, prefix, out):
    """stdin elsewhere: the job's group is the terminal's foreground natively, sigvisor's
    group (which passes ^C and ^\\ on) under sigvisor. ^C, ^C, ^\\."""
    start(s, prefix, " < /dev/null")
    ctrl_c(s, 1)
    ctrl_c(s, 2)
    s.send("\x1c")  # ^\
    finish(s, out)


def third_ctrl_c(s, prefix, out):
    """stdin elsewhere, under sigvisor: the third ^C in a row ends the tree (130)."""
    start(s, prefix, " < /dev/null")
    ctrl_c(s, 1)
    ctrl_c(s, 2)
    s.send("\x03")
    m = s.expect(r"(sigvisor: \^C three times: killed) \d+ processes\n", WAIT)
    out.append(m.group(1))
    finish(s, out)


SCENARIOS = {f.__name__: f for f in (interrupt_stop_quit, redirected, third_ctrl_c)}


def main():
    global LOG
    if len(sys.argv) < 3:
        print(f"usage: {sys.argv[0]} {'|'.join(SCENARIOS)} LOG [PREFIX...]", file=sys.stderr)
        return 2
    LOG = sys.argv[2]
    return run_scenario(SCENARIOS, [sys.argv[0], sys.argv[1]] + sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
