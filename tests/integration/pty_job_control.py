#!/usr/bin/env python3
"""Job control through a pseudo-terminal, as a person at an interactive bash does it.

Usage: pty_job_control.py SCENARIO [PREFIX...]
Runs an interactive bash on a new pty, types the scenario's commands (each run as
`PREFIX... command`, so PREFIX is empty natively and `sigvisor -o /dev/null --` under
sigvisor) and prints one line per thing the person would notice: the program's output,
what bash says about the job ("Stopped", "Stopped (tty input)"), that the prompt came back,
and the exit status. The test compares the transcript natively and under sigvisor.
Every wait is a bounded liveness wait (20 s), never a timed assertion. Exit 0 when the
scenario ran to its end, 1 (with what was seen) when an expectation was not met.
"""
import os
import pty
import re
import select
import sys
import time

PROMPT = "PROMPT$ "


class Session:
    def __init__(self):
        pid, fd = pty.fork()
        if pid == 0:
            env = dict(os.environ, PS1=PROMPT, TERM="dumb", HISTFILE="/dev/null")
            os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
        self.pid, self.fd, self.buf = pid, fd, ""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, pattern, seconds=20):
        """Reads until `pattern` (a regex) appears after what was consumed; returns the match."""
        deadline = time.monotonic() + seconds
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"never saw {pattern!r}; last output: {self.buf[-400:]!r}")
            r, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise TimeoutError(f"bash went away waiting for {pattern!r}: {self.buf[-400:]!r}")
                self.buf += data.decode(errors="replace").replace("\r", "")

    def prompt(self):
        self.expect(re.escape(PROMPT))

    def close(self):
        try:
            self.send("exit\n")
            time.sleep(0.1)
        finally:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)


def ctrl_z_and_fg(s, prefix, out):
    """^Z stops the job and gives the prompt back; fg resumes it with the terminal."""
    s.prompt()
    s.send(f"{prefix} sh -c 'echo started; read x; echo got $x'\n")
    s.expect(r"\nstarted\n")
    out.append("started")
    s.send("\x1a")  # ^Z
    m = s.expect(r"(Stopped[^\n]*)\n")
    out.append(m.group(1).split("  ")[0].strip())
    s.prompt()
    out.append("prompt back")
    s.send("fg\n")
    s.expect(r"sh -c[^\n]*\n")
    s.send("hello\n")
    s.expect(r"got hello\n")
    out.append("got hello")
    s.prompt()
    s.send("echo status=$?\n")
    out.append(s.expect(r"status=\d+").group(0))


def background_read(s, prefix, out):
    """A background job reading the terminal stops (tty input); fg gives it the terminal."""
    s.prompt()
    s.send(f"{prefix} cat &\n")
    s.prompt()
    state = ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        s.send("jobs\n")
        m = s.expect(r"\[1\]\+\s+(Running|Stopped[^\n]*?)\s{2,}")
        state = m.group(1).strip()
        s.prompt()
        if state.startswith("Stopped"):
            break
        time.sleep(0.1)
    out.append(state)
    s.send("fg\n")
    s.expect(r"cat\n")
    s.send("line\n")
    s.expect(r"line\n")  # the terminal's echo
    s.expect(r"line\n")  # cat's copy
    out.append("cat echoed")
    s.send("\x04")  # ^D: end of input
    s.prompt()
    s.send("echo status=$?\n")
    out.append(s.expect(r"status=\d+").group(0))


# Prints "started" once SIGINT has its default action again, then waits: a ^C after
# "started" can only kill it (a shell forking a child would leave a window where its own
# handler swallows the ^C, natively too).
WAIT_FOR_SIGINT = ("python3 -c 'import signal; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                   "print(\"started\", flush=True); signal.pause()'")


def ctrl_c(s, prefix, out):
    """^C reaches the program, which dies of SIGINT as natively."""
    s.prompt()
    s.send(f"{prefix} {WAIT_FOR_SIGINT}\n")
    s.expect(r"\nstarted\n")
    out.append("started")
    s.send("\x03")  # ^C
    s.prompt()
    out.append("prompt back")
    s.send("echo status=$?\n")
    out.append(s.expect(r"status=\d+").group(0))


SCENARIOS = {"ctrl_z_and_fg": ctrl_z_and_fg, "background_read": background_read, "ctrl_c": ctrl_c}


def run_scenario(scenarios, argv):
    """Runs the scenario argv[1] names on a new Session, with argv[2:] as the command
    prefix (e.g. sigvisor and its options); prints its transcript. Exit status 0, 1 if it
    timed out waiting for something, 2 for a bad command line."""
    if len(argv) < 2 or argv[1] not in scenarios:
        print(f"usage: {argv[0]} {'|'.join(scenarios)} [PREFIX...]", file=sys.stderr)
        return 2
    prefix = " ".join(argv[2:])
    s = Session()
    out = []
    try:
        scenarios[argv[1]](s, prefix, out)
    except TimeoutError as e:
        print("\n".join(out))
        print(f"FAILED: {e}")
        print(f"buffer's end: {s.buf[-2000:]!r}", file=sys.stderr)
        return 1
    finally:
        s.close()
    print("\n".join(out))
    return 0


def main():
    return run_scenario(SCENARIOS, sys.argv)


if __name__ == "__main__":
    sys.exit(main())
