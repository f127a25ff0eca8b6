#!/usr/bin/env python3
"""The pty relay (src/terminal/pty_relay.h) as a person at an interactive bash sees it.

Usage: pty_relay.py SCENARIO [PREFIX...]
Like pty_job_control.py (whose Session it uses): an interactive bash on a new pty, each
scenario's program run as `PREFIX... program` (PREFIX empty natively, `sigvisor ... --`
under sigvisor), one line printed per thing the person would notice. The test compares
the transcripts natively and under sigvisor, or with what the relay must change. Every
wait is a bounded liveness wait, never a timed assertion. Exit 0 when the scenario ran to
its end, 1 (with what was seen) when an expectation was not met.
"""
import fcntl
import os
import re
import signal
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pty_job_control import PROMPT, Session, ctrl_z_and_fg, run_scenario  # noqa: E402

EXAMPLES = os.environ.get("SIGVISOR_EXAMPLES_DIR", "")
WAIT = 60  # seconds: a liveness bound, generous for loaded machines


def run(s, command):
    """Types `command` (a simple command, run as a foreground job) between two markers.
    Returns what appeared before the first marker (what the shell did before running the
    line: an injected command, say), what the command printed (CRs removed), and its exit
    status. The markers are expanded by the shell, so the echo of the typed line never
    matches them."""
    s.send(f"echo BEGIN-$((2+2)); {command}; echo END-$((3+3)) status=$?\n")
    # Patterns that start with a literal: a leading lazy group would make every search
    # quadratic in what was read (large outputs).
    m = s.expect(r"BEGIN-4\n", WAIT)
    before = m.string[:m.start()]
    m = s.expect(r"END-6 status=(\d+)\n", WAIT)
    printed = m.string[:m.start()]
    s.prompt()
    return before, printed, int(m.group(1))


def last_status(s):
    """The exit status of the command before (typed as is: the markers would change it)."""
    s.send("echo status=$?\n")
    m = s.expect(r"(status=\d+)\n", WAIT)
    s.prompt()
    return m.group(1)


def output(s, command):
    return run(s, command)[1]


def modes(s):
    return output(s, "stty -g").strip()


def own_terminal(s, prefix, out):
    """Whether the program's stdin is the shell's terminal or one of its own."""
    s.prompt()
    shell_tty = output(s, "tty").strip()
    _, program_tty, st = run(s, f"{prefix} tty")
    program_tty = program_tty.strip()
    out.append("program terminal: " + ("same" if program_tty == shell_tty else "own"))
    out.append("a terminal" if program_tty.startswith("/dev/pts/") else "not a terminal: " + program_tty)
    out.append(f"status={st}")


def inject(s, prefix, out):
    """TIOCSTI pushes a command into the terminal's input; does the shell run it after?"""
    s.prompt()
    _, said, _ = run(s, f"{prefix} {EXAMPLES}/tty_inject $'echo $((6*7))x\\n'")
    m = re.search(r"TIOCSTI = \w+", said)
    out.append(m.group(0) if m else "no answer: " + said)
    # Whatever was injected into the shell's terminal is read and run before this line.
    before, _, _ = run(s, "true")
    injected_ran = re.search(r"^42x$", before, re.M) is not None
    out.append("injected command " + ("ran" if injected_ran else "did not run"))


def echo_line(s, prefix, out):
    """A typed line reaches the program, which prints it back; exact transcript."""
    s.prompt()
    s.send(f"{prefix} sh -c 'echo ready; read x; echo \"got [$x]\"; exit 3'\n")
    s.expect(r"\nready\n", WAIT)
    s.send("hello  world\n")
    m = s.expect(r"([\s\S]*?)" + re.escape(PROMPT), WAIT)
    out.extend(m.group(1).splitlines())
    out.append(last_status(s))


def big_output(s, prefix, out):
    """Every byte of a large output arrives, the last ones included."""
    s.prompt()
    _, text, st = run(s, f"{prefix} seq 1 20000")
    lines = text.splitlines()
    out.append(f"{len(lines)} lines, first {lines[0] if lines else None}, last {lines[-1] if lines else None}")
    out.append("in order" if lines == [str(i) for i in range(1, 20001)] else "lines lost or garbled")
    out.append(f"status={st}")


def exit_statuses(s, prefix, out):
    """The shell sees the program's exit status, and its death by a signal."""
    s.prompt()
    out.append(f"status={run(s, prefix + ' sh -c ' + repr('exit 7'))[2]}")
    out.append(f"status={run(s, prefix + ' sh -c ' + repr('kill -TERM $$'))[2]}")


def raw_while_running(s, prefix, out):
    """The shell's terminal is raw while the relay runs, and has its modes back after."""
    s.prompt()
    before = modes(s)
    s.send(f"{prefix} sh -c 'echo ready; read x; echo done'\n")
    s.expect(r"\nready\n", WAIT)
    lflag = termios.tcgetattr(s.fd)[3]
    out.append("raw while running" if not lflag & termios.ICANON else "cooked while running")
    s.send("x\n")
    s.expect(r"\ndone\n", WAIT)
    s.prompt()
    out.append("modes kept" if modes(s) == before else "modes changed")


def modes_after(s, prefix, out):
    """Whatever ends the run (PREFIX may carry --timeout), the terminal has its modes back."""
    s.prompt()
    before = modes(s)
    out.append(f"status={run(s, prefix + ' sleep 100')[2]}")
    out.append("modes kept" if modes(s) == before else "modes changed")


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat[stat.rfind(")") + 2:].split()[1]) == pid:
            found.append(int(entry))
    return found


# Waits, catching TERM; says so each time.
CATCH_TERM = ("python3 -c 'import signal; signal.signal(signal.SIGTERM, lambda *a: "
              "print(\"got TERM\", flush=True)); print(\"ready\", flush=True); "
              "[signal.pause() for _ in iter(int, 1)]'")


def sigterm_kill_after(s, prefix, out):
    """SIGTERM to sigvisor goes to the program, which ignores it; PREFIX's --kill-after
    ends the run: modes back."""
    s.prompt()
    before = modes(s)
    s.send(f"{prefix} {CATCH_TERM}\n")
    s.expect(r"\nready\n", WAIT)
    job = children_of(s.pid)
    if len(job) != 1:
        raise TimeoutError(f"expected one child of the shell, found {job}")
    os.kill(job[0], signal.SIGTERM)
    s.expect(r"got TERM\n", WAIT)
    out.append("program got TERM")
    s.prompt()
    out.append(last_status(s))
    out.append("modes kept" if modes(s) == before else "modes changed")


def stop_and_modes(s, prefix, out):
    """^Z and fg (pty_job_control.py), then the terminal's modes are the shell's."""
    s.prompt()
    before = modes(s)
    s.send("\n")  # the prompt ctrl_z_and_fg waits for
    ctrl_z_and_fg(s, prefix, out)
    s.prompt()
    out.append("modes kept" if modes(s) == before else "modes changed")


def set_size(s, rows, cols):
    fcntl.ioctl(s.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


# Prints its terminal's size, waits for SIGWINCH (blocked first: none is missed), prints
# it again.
WAIT_FOR_WINCH = ("python3 -c 'import os, signal; w = {signal.SIGWINCH}; "
                  "signal.pthread_sigmask(signal.SIG_BLOCK, w); "
                  "print(\"size\", *os.get_terminal_size(0), flush=True); signal.sigwait(w); "
                  "print(\"size\", *os.get_terminal_size(0), flush=True)'")


def window_size(s, prefix, out):
    """The program's terminal has the user's size, and follows when it changes."""
    set_size(s, 24, 80)
    s.prompt()
    s.send(f"{prefix} {WAIT_FOR_WINCH}\n")
    out.append(s.expect(r"\n(size \d+ \d+)\n", WAIT).group(1))
    set_size(s, 31, 101)
    out.append(s.expect(r"(size \d+ \d+)\n", WAIT).group(1))
    s.prompt()
    out.append(last_status(s))


def background_then_fg(s, prefix, out):
    """Started in the background, then brought to the foreground: the program reads the
    user's keys from then on. It reads only once the driver says so, after the job holds
    the terminal: natively a read begun in the background would stop it (SIGTTIN), even
    if fg came just after the read began."""
    flag = f"/tmp/sigvisor-pty-relay-{os.getpid()}-go"  # /tmp: --user nobody must see it
    try:
        s.prompt()
        s.send(f"{prefix} sh -c 'while [ ! -e {flag} ]; do sleep 0.05; done; exec cat' &\n")
        s.prompt()
        s.send("fg\n")
        s.expect(r"exec cat'?\n", WAIT)
        deadline = time.monotonic() + WAIT
        while os.tcgetpgrp(s.fd) == s.pid:  # the shell still holds the terminal
            if time.monotonic() > deadline:
                raise TimeoutError("fg never gave the job the terminal")
            time.sleep(0.01)
        open(flag, "w").close()
        s.send("line\n")
        s.expect(r"line\n", WAIT)  # the terminal's echo
        s.expect(r"line\n", WAIT)  # cat's copy
        out.append("cat echoed")
        s.send("\x04")  # ^D: end of input
        s.prompt()
        out.append(last_status(s))
    finally:
        if os.path.exists(flag):
            os.unlink(flag)


SCENARIOS = {f.__name__: f for f in (own_terminal, inject, echo_line, big_output, exit_statuses,
                                      raw_while_running, modes_after, sigterm_kill_after,
                                      stop_and_modes, background_then_fg, window_size)}


def main():
    return run_scenario(SCENARIOS, sys.argv)


if __name__ == "__main__":
    sys.exit(main())
