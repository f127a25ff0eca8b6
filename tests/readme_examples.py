#!/usr/bin/python3
"""Run every command of examples/README.md and compare its output with what the README shows.

Usage: readme_examples.py README BUILD_DIR SOURCE_DIR [--print]

Commands are the lines starting with "$ " inside ```console blocks; the lines after one,
up to the next command or the end of the block, are its expected output (stdout and
stderr as a terminal shows them). Each block runs in one fresh directory, in order, with
bash, where `build` links to BUILD_DIR, `examples` and `policies` to the source tree's,
and BUILD_DIR is first on PATH (so `sigvisor` is the built binary).

Output matches when, after normalising both sides, for each process (lines with the same
`[pid N]` prefix; lines without one form one more group) the README's lines are an
interleaving of the actual stdout lines and the actual stderr lines of that group, each
kept in order. The two streams race on a terminal, and so do lines of different processes
(a child's pause() and its parent's kill()), so those orders are not compared; the order
of each process's own lines is. The normalisation, applied to each command's output as
a whole:
  1. hexadecimal addresses 0x... -> 0xADDR
  2. absolute paths ending in examples/NAME or policies/NAME -> .../examples/NAME
  3. JSON "ts" values -> TS; policy "hash" values -> HASH; "seq" values -> SEQ (how many
     events precede one depends on races such as whether a child reached pause() before
     its parent's kill())
  4. uids (si_uid=N, "si_uid":N, "uid":N) -> UID; a child's CPU ticks (si_utime=N,
     si_stime=N, with strace's /* 0.03 s */ past zero) -> TICKS: they depend on the
     machine's speed (3 ticks under qemu's TCG where this machine has 0); sigvisor's
     documented notes about the kernel (KERNEL_NOTES) are dropped
  5. pids: numbers found in pid positions ([pid N], fork N, name(N), kill(N, si_pid=N,
     "pid":N, "tid":N, "si_pid":N, from N ", receiver N, sender N, kill -SIG N) other
     than 0 and 1 are pids; every occurrence of such a number anywhere in the output
     becomes PIDk, k its rank in numeric order (pids grow in creation order)
  6. runs of spaces -> one space (strace's column padding depends on pid width);
     trailing spaces and trailing empty lines are dropped.
--print runs the commands and prints what they wrote (stdout lines, then stderr lines),
unnormalised, to paste into the README.
Exit status: 0 all match, 1 a mismatch (with both sides shown), 2 usage, 77 (skip) the
kernel lacks seccomp user notification.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

PID_CONTEXTS = [
    r"\[pid +(\d+)\]", r"\b(?:fork|vfork|clone) (\d+)", r"\w\((\d+)\)",
    r"\b(?:kill|tkill|tgkill|rt_sigqueueinfo|rt_tgsigqueueinfo|pidfd_open)\((\d+)",
    r"si_pid=(\d+)", r'"(?:pid|tid|si_pid)":(\d+)', r'from (\d+) "', r"\b(?:receiver|sender) (\d+)",
    r"kill -\w+ (\d+)",
]


# sigvisor's documented one-line notes about the kernel (is_kernel_note() in
# src/kernel/kernel_features.h): they depend on the kernel, not on the command (on 6.1, a
# refusal aimed outside says Landlock's signal scope is missing).
KERNEL_NOTES = ("sigvisor: note: no kernel backstop: ", "sigvisor: note: kernel trace unavailable (",
                "sigvisor: warning: no kernel backstop for signals leaving the sandbox: ")


def normalise(text):
    text = "\n".join(l for l in text.split("\n") if not l.startswith(KERNEL_NOTES))
    text = re.sub(r"0x[0-9a-fA-F]+", "0xADDR", text)
    text = re.sub(r"/[^\s\"']*/((?:examples|policies)/[\w.-]+)", r".../\1", text)
    text = re.sub(r'"ts":[0-9.eE+-]+', '"ts":TS', text)
    text = re.sub(r'"hash":"[^"]*"', '"hash":"HASH"', text)
    text = re.sub(r'"seq":\d+', '"seq":SEQ', text)
    text = re.sub(r"si_uid=\d+", "si_uid=UID", text)
    # The CPU time a child used depends on the machine's speed (ticks, and strace's
    # comment on them past zero): 0 here, 3 /* 0.03 s */ on a slow one.
    text = re.sub(r"si_(utime|stime)=\d+(?: /\* [0-9.]+ s \*/)?", r"si_\1=TICKS", text)
    text = re.sub(r'"si_(utime|stime)":\d+', r'"si_\1":TICKS', text)
    text = re.sub(r'"(si_uid|uid)":\d+', r'"\1":UID', text)
    pids = set()
    for pattern in PID_CONTEXTS:
        pids.update(int(m) for m in re.findall(pattern, text))
    pids -= {0, 1}
    rank = {p: f"PID{i + 1}" for i, p in enumerate(sorted(pids))}
    text = re.sub(r"(?<![\w.])\d+(?![\w.])", lambda m: rank.get(int(m.group(0)), m.group(0)), text)
    lines = [re.sub(r" {2,}", " ", l).rstrip() for l in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def is_interleaving(expected, out, err):
    """Whether `expected` is `out` and `err` merged, each in its own order."""
    n, m = len(out), len(err)
    if len(expected) != n + m:
        return False
    reach = {(0, 0)}
    for k, line in enumerate(expected):
        nxt = set()
        for i, j in reach:
            if i < n and out[i] == line:
                nxt.add((i + 1, j))
            if j < m and err[j] == line:
                nxt.add((i, j + 1))
        if not nxt:
            return False
        reach = nxt
    return (n, m) in reach


PREFIX = re.compile(r"^\[pid (PID\d+|\d+)\] ")


def matches(expected, out, err):
    """Per process: the README's lines of one `[pid N]` prefix (or of none) are an
    interleaving of the actual stdout and stderr lines with that prefix. Processes run
    concurrently, so the order between lines of different processes is not compared."""
    def key(line):
        m = PREFIX.match(line)
        return m.group(1) if m else None
    keys = {key(l) for l in expected + out + err}
    return all(is_interleaving([l for l in expected if key(l) == k], [l for l in out if key(l) == k],
                               [l for l in err if key(l) == k]) for k in keys)


def blocks(readme):
    """[(first line number, [(command, [expected lines])])] of the console blocks."""
    out, cur, in_block, start = [], None, False, 0
    for no, line in enumerate(readme.split("\n"), 1):
        if line.startswith("```"):
            if in_block:
                out.append((start, cur))
                in_block = False
            elif line.strip() == "```console":
                in_block, cur, start = True, [], no
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            cur.append((line[2:], []))
        elif cur:
            cur[-1][1].append(line)
        elif line.strip():
            raise SystemExit(f"README line {no}: output before any command")
    return out


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    readme, build, source = (os.path.abspath(a) for a in argv[1:4])
    try:
        with open("/proc/sys/kernel/seccomp/actions_avail", encoding="ascii") as f:
            if "user_notif" not in f.read():
                print("SKIP: kernel lacks seccomp user notification: sigvisor cannot run here")
                return 77
    except OSError:
        print("SKIP: no /proc/sys/kernel/seccomp/actions_avail: sigvisor cannot run here")
        return 77
    printing = "--print" in argv[4:]
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    env = dict(os.environ, PATH=build + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"), LC_ALL="C")
    env.pop("SIGVISOR_POLICY_DIR", None)
    failures, ran = 0, 0
    for start, cmds in blocks(text):
        work = tempfile.mkdtemp(prefix="sigvisor-readme-")
        os.chmod(work, 0o755)  # `--user nobody` examples run programs found through it
        try:
            os.symlink(build, os.path.join(work, "build"))
            os.symlink(os.path.join(source, "examples"), os.path.join(work, "examples"))
            os.symlink(os.path.join(source, "policies"), os.path.join(work, "policies"))
            for cmd, expected in cmds:
                ran += 1
                try:
                    p = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, stdin=subprocess.DEVNULL,
                                       capture_output=True, text=True, timeout=60)
                    out, err = p.stdout, p.stderr
                except subprocess.TimeoutExpired as e:
                    out, err = f"(timed out after 60 s: {e})", ""
                if printing:
                    print(f"$ {cmd}\n{out}{err}", end="" if (out + err).endswith("\n") else "\n")
                    continue
                # One normalisation over both streams, so pid ranks agree across them.
                both = normalise(out.rstrip("\n") + "\n\x00\n" + err)
                cut = both.index("\x00") if "\x00" in both else len(both)
                nout, nerr = both[:cut], both[cut + 1:]
                nexp = normalise("\n".join(expected))
                if not matches(nexp, nout, nerr):
                    failures += 1
                    print(f"MISMATCH (README block at line {start}): $ {cmd}")
                    print("  README shows, normalised:")
                    print("".join(f"    | {l}\n" for l in nexp), end="")
                    print("  stdout, normalised:")
                    print("".join(f"    | {l}\n" for l in nout), end="")
                    print("  stderr, normalised:")
                    print("".join(f"    | {l}\n" for l in nerr), end="")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if ran == 0:
        print(f"{readme}: no ```console block with a $ command found")
        return 1
    if not printing:
        print(f"{ran} commands run, {failures} mismatched")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
