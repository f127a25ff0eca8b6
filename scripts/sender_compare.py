#!/usr/bin/env python3
"""Compares the senders sigvisor names with the kernel's own record of the same run.

The kernel record is an ftrace instance's text trace with signal:signal_generate,
signal:signal_deliver, task:task_newtask and task:task_rename (and the record-tgid
option), as scripts/ftrace_compare.sh makes it:

  stress-ng-kill-1234 (   1234) [001] d..1. 123.456: signal_generate: sig=10 errno=0
      code=0 comm=stress-ng pid=1235 grp=1 res=0                       (one line)

signal_generate fires in the sender's context: the prefix (comm-TID, (TGID)) is the task
that generated the signal; comm= and pid= name the target thread; res= is the kernel's
TRACE_SIGNAL_* result (0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 queued
without its siginfo). signal_deliver fires in the receiver when get_signal() hands a
signal on (after the ptrace delivery stop, unless the tracer suppressed it).

Each signal event of sigvisor's --json output (a delivery stop) is matched, in order, with
the oldest queued (res 0 or 4) generate record of the same signal to that thread (or to
its thread group, grp=1); each process exit by SIGKILL with the first queued SIGKILL to
its thread group. A pair agrees when sigvisor's sender pid is the generating task's thread
group (user sends: si_code <= 0), or when sigvisor scopes the sender `kernel` for a signal
the kernel made (si_code > 0, SI_KERNEL, SI_TIMER, SI_SIGIO, ...; for SIGCHLD the
generating task is the exiting child, or the tracer that reaps a traced child).

Generate records to the traced tree that no sigvisor event takes are classified: *missing*
when the kernel also delivered the signal (more signal_deliver records for that process
and signal than sigvisor has delivery events, or a SIGKILL death with a null killer);
otherwise the kernel never delivered it (pending at exit, a stop signal flushed by
SIGCONT, taken by sigwaitinfo/signalfd) or never queued it (ignored, already pending,
overflow), which sigvisor cannot show and is not asked to.

Usage:
  sender_compare.py compare --scenario NAME --trace FILE --events FILE
                            [--sigvisor-pid PID] [--run N] [--results FILE] [--details]
  sender_compare.py summary RESULTS
  sender_compare.py record PIPE OUT STOPFILE
  sender_compare.py count EVENTS [--sig SIG] [--sender-pid PID] [--code CODE] [--event KIND]

compare exits 1 when a sender disagrees, a signal is missing or a sigvisor event has no
kernel record; record copies a trace_pipe to OUT until STOPFILE exists and the pipe is
empty; count prints how many complete event lines match (for scripts that wait on them).
"""
import argparse
import collections
import json
import os
import re
import select
import signal
import sys

# --- names ------------------------------------------------------------------------------

SIGKILL, SIGCHLD = 9, 17
_RT_MIN = 32  # the kernel's; sigvisor names 33.. SIGRT_1..


def _signal_numbers():
    table = {s.name: int(s.value) for s in signal.Signals if not s.name.startswith("SIGRT")}
    table.update({"SIGIO": 29, "SIGPOLL": 29, "SIGSTKFLT": 16, "SIGPWR": 30, "SIGSYS": 31,
                  "SIGRTMIN": _RT_MIN})
    return table


SIGNALS = _signal_numbers()
SIGNAL_NAMES = {v: k for k, v in sorted(SIGNALS.items(), reverse=True)}
SIGNAL_NAMES[29] = "SIGIO"


def sig_number(v):
    if isinstance(v, int):
        return v
    if v in SIGNALS:
        return SIGNALS[v]
    m = re.fullmatch(r"SIGRT_(\d+)", v)
    if m:
        return _RT_MIN + int(m.group(1))
    raise ValueError(f"unknown signal name {v!r}")


def sig_name(n):
    if n in SIGNAL_NAMES:
        return SIGNAL_NAMES[n]
    return f"SIGRT_{n - _RT_MIN}" if n > _RT_MIN else str(n)


# si_code names as sigvisor prints them (src/names/si_code_names.cc); the names are unique.
CODES = {"SI_USER": 0, "SI_KERNEL": 0x80, "SI_QUEUE": -1, "SI_TIMER": -2, "SI_MESGQ": -3,
         "SI_ASYNCIO": -4, "SI_SIGIO": -5, "SI_TKILL": -6, "SI_DETHREAD": -7, "SI_ASYNCNL": -60}
for _i, _n in enumerate(["ILLOPC", "ILLOPN", "ILLADR", "ILLTRP", "PRVOPC", "PRVREG", "COPROC",
                         "BADSTK", "BADIADDR"], 1):
    CODES["ILL_" + _n] = _i
for _i, _n in enumerate(["INTDIV", "INTOVF", "FLTDIV", "FLTOVF", "FLTUND", "FLTRES", "FLTINV",
                         "FLTSUB"], 1):
    CODES["FPE_" + _n] = _i
CODES.update({"FPE_FLTUNK": 14, "FPE_CONDTRAP": 15})
for _i, _n in enumerate(["MAPERR", "ACCERR", "BNDERR", "PKUERR", "ACCADI", "ADIDERR", "ADIPERR",
                         "MTEAERR", "MTESERR"], 1):
    CODES["SEGV_" + _n] = _i
for _i, _n in enumerate(["ADRALN", "ADRERR", "OBJERR", "MCEERR_AR", "MCEERR_AO"], 1):
    CODES["BUS_" + _n] = _i
for _i, _n in enumerate(["BRKPT", "TRACE", "BRANCH", "HWBKPT", "UNK", "PERF"], 1):
    CODES["TRAP_" + _n] = _i
for _i, _n in enumerate(["EXITED", "KILLED", "DUMPED", "TRAPPED", "STOPPED", "CONTINUED"], 1):
    CODES["CLD_" + _n] = _i
for _i, _n in enumerate(["IN", "OUT", "MSG", "ERR", "PRI", "HUP"], 1):
    CODES["POLL_" + _n] = _i
CODES.update({"SYS_SECCOMP": 1, "SYS_USER_DISPATCH": 2})


def code_number(v):
    return v if isinstance(v, int) else CODES.get(v)


# Codes <= 0 that the kernel makes itself, with no process behind them as a sender.
KERNEL_NEGATIVE_CODES = {-2, -4, -5, -7, -60}


def kernel_made(code):
    return code > 0 or code in KERNEL_NEGATIVE_CODES


RESULTS = {0: "delivered", 1: "ignored", 2: "already_pending", 3: "overflow_fail",
           4: "lose_info"}


def queued(res):
    return res in (0, 4)


# --- the kernel's trace -----------------------------------------------------------------

PREFIX = re.compile(r"^\s*(?P<comm>.*)-(?P<tid>\d+)\s+(?:\(\s*(?P<tgid>\d+|-+)\)\s+)?"
                    r"\[(?P<cpu>\d+)\]\s+\S+\s+(?P<ts>\d+\.\d+):\s+(?P<event>\w+):\s(?P<rest>.*)$")
GENERATE = re.compile(r"^sig=(?P<sig>\d+) errno=(?P<errno>-?\d+) code=(?P<code>-?\d+) "
                      r"comm=(?P<comm>.*) pid=(?P<pid>\d+) grp=(?P<grp>\d) res=(?P<res>\d+)$")
DELIVER = re.compile(r"^sig=(?P<sig>\d+) errno=(?P<errno>-?\d+) code=(?P<code>-?\d+) ")
NEWTASK = re.compile(r"^pid=(?P<pid>\d+) comm=(?P<comm>.*) clone_flags=(?P<flags>[0-9a-f]+) "
                     r"oom_score_adj=-?\d+$")
CLONE_THREAD = 0x10000
RENAME = re.compile(r"^pid=(?P<pid>\d+) oldcomm=.* newcomm=(?P<comm>.*) oom_score_adj=-?\d+$")
LOST = re.compile(r"CPU:\d+ \[LOST (\d+) EVENTS\]")


class Generate:
    __slots__ = ("n", "ts", "sender_tid", "sender_tgid", "sender_comm", "comm_at_send",
                 "cached_tgid", "cached_comm", "group_at_send", "sig", "code", "target", "target_comm", "grp",
                 "res", "taken")

    def describe(self, tgid_of):
        who = f"{self.sender_comm or '<...>'}({self.sender_tgid or tgid_of.get(self.sender_tid, '?')}"
        if self.sender_tid != (self.sender_tgid or self.sender_tid):
            who += f"/{self.sender_tid}"
        return (f"{sig_name(self.sig)} code {self.code} {who}) -> {self.target_comm}({self.target}) "
                f"grp={int(self.grp)} res={self.res} @{self.ts:.6f}")


def read_trace(path, start_marker):
    """The generate and deliver records after the last `start_marker` (all when absent).

    The comm and tgid in a line's prefix are not recorded with the event: the kernel
    looks the pid up, when the line is read, in two caches (saved_cmdlines, the tgid map)
    that it fills lazily, at the next context switch or wake-up on the sender's CPU after
    an event. A sender that runs on after its send may still have there the name it had
    before an exec or a rename (a shell's child that became kill), or an earlier task's
    name and thread group for the same pid. With task:task_newtask (the child's name and
    CLONE_THREAD) and task:task_rename (exec renames too) in the trace, each task's name
    and thread group are followed as they change, and a send gets its sender's at that
    moment; the caches are only the fallback, for tasks older than the trace."""
    gens, delivers, lost, malformed = [], [], 0, 0
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    start = 0
    for i, line in enumerate(lines):
        if start_marker and "tracing_mark_write: " + start_marker in line:
            start = i + 1
    names = {}  # tid -> its name so far, from fork and rename events
    groups = {}  # tid -> its thread group, from fork events
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        counting = i >= start
        m = LOST.search(line)
        if m:
            lost += int(m.group(1)) if counting else 0
            continue
        m = PREFIX.match(line)
        if not m:
            malformed += 1 if counting else 0
            continue
        ev, rest = m.group("event"), m.group("rest")
        if ev in ("task_newtask", "task_rename"):
            t = (NEWTASK if ev == "task_newtask" else RENAME).match(rest)
            if t:
                child = int(t.group("pid"))
                names[child] = t.group("comm")
            if t and ev == "task_newtask":  # in the parent's context
                if int(t.group("flags"), 16) & CLONE_THREAD:
                    parent = int(m.group("tid"))
                    ptgid = m.group("tgid")
                    groups[child] = groups.get(parent, int(ptgid) if ptgid and ptgid[0] != "-"
                                                else 0)
                else:
                    groups[child] = child
            continue
        if not counting:
            continue
        tid = int(m.group("tid"))
        tgid = m.group("tgid")
        tgid = int(tgid) if tgid and tgid[0] != "-" else 0
        comm = m.group("comm").strip()
        comm = "" if comm == "<...>" else comm
        if ev == "signal_generate":
            g = GENERATE.match(rest)
            if not g:
                malformed += 1
                continue
            r = Generate()
            r.n, r.ts = len(gens), float(m.group("ts"))
            r.sender_tid, r.cached_tgid, r.cached_comm = tid, tgid, comm
            r.group_at_send = tid in groups
            r.sender_tgid = groups.get(tid) or tgid  # 0: unknown yet
            r.comm_at_send = tid in names
            r.sender_comm = names.get(tid, comm)
            r.sig, r.code = int(g.group("sig")), int(g.group("code"))
            r.target, r.target_comm = int(g.group("pid")), g.group("comm")
            r.grp, r.res, r.taken = g.group("grp") == "1", int(g.group("res")), False
            gens.append(r)
        elif ev == "signal_deliver":
            d = DELIVER.match(rest)
            if not d:
                malformed += 1
                continue
            delivers.append((tid, tgid, int(d.group("sig"))))
    return gens, delivers, lost, malformed


# --- sigvisor's events ------------------------------------------------------------------

def read_events(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.endswith("\n"):  # a line still being written is not an event yet
                out.append(json.loads(line))
    return out


def tree_of(events):
    """tid -> tgid for every task sigvisor saw."""
    tgid_of = {}
    for e in events:
        if "pid" in e and "tid" in e and isinstance(e.get("pid"), int):
            tgid_of.setdefault(e["tid"], e["pid"])
        if e.get("event") == "spawn":
            tgid_of.setdefault(e["child"]["tid"], e["child"]["pid"])
    return tgid_of


# --- the comparison ---------------------------------------------------------------------

def first_untaken(by_sig, sig, eligible, rank=lambda g: 0):
    """The oldest record of `sig` no event has taken that `eligible` accepts and `rank`
    ranks best (0 is best), and whether an older eligible record was passed over."""
    rs = by_sig[sig]
    while rs and rs[0].taken:  # taken records at the front are done with
        rs.popleft()
    best, best_rank, oldest = None, None, None
    for g in rs:
        if g.taken or not eligible(g):
            continue
        if oldest is None:
            oldest = g
        r = rank(g)
        if best is None or r < best_rank:
            best, best_rank = g, r
            if r == 0:
                break
    return best, best is not None and best is not oldest


def compare(args):
    gens, delivers, lost, malformed = read_trace(args.trace, args.start_marker)
    events = read_events(args.events)
    tgid_of = tree_of(events)
    for r in gens:
        # A sender of the tree: its group as ptrace saw it, over the tgid cache (a task
        # older than the trace has no fork event in it).
        if r.sender_tid in tgid_of and not r.group_at_send:
            r.sender_tgid = tgid_of[r.sender_tid]
        elif r.sender_tgid == 0:
            r.sender_tgid = tgid_of.get(r.sender_tid, 0)
    stale = collections.Counter()  # how often the line's cached values were not the sender's
    for r in gens:
        if r.cached_tgid and r.sender_tgid and r.cached_tgid != r.sender_tgid:
            stale["tgid"] += 1
        if r.comm_at_send and r.cached_comm and r.cached_comm != r.sender_comm[:15]:
            stale["comm"] += 1
    tree_gens = [r for r in gens if r.target in tgid_of]
    by_sig = collections.defaultdict(collections.deque)
    for r in tree_gens:
        if queued(r.res):
            by_sig[r.sig].append(r)
    c = collections.Counter()
    details = []
    chld_from = collections.Counter()
    sv_pid = args.sigvisor_pid

    def same_comm(a, b):
        return a is not None and b != "" and a == b[:15]

    # 1. Deliveries.
    delivered_by_sigvisor = collections.Counter()  # (tgid, sig) -> deliveries not suppressed
    for e in events:
        if e.get("event") != "signal":
            continue
        sig, tid, tgid = sig_number(e["sig"]), e["tid"], e["pid"]
        c["deliveries"] += 1
        if e.get("action") != "suppress":
            delivered_by_sigvisor[(tgid, sig)] += 1
        # In queue order; but a signal taken by sigwaitinfo or a signalfd leaves no trace
        # (no delivery stop, no signal_deliver), so the oldest queued record is not always
        # the one delivered. The delivered siginfo says which: its si_code, and for a user
        # send its si_pid (the kernel's for kill and tgkill; the caller's for sigqueue).
        code = code_number(e["code"])
        si_pid = e["info"].get("si_pid") if code is not None and not kernel_made(code) else None
        r, passed = first_untaken(
            by_sig, sig,
            lambda g: g.target == tid or (g.grp and tgid_of.get(g.target) == tgid),
            lambda g: (g.code != code) * 2 + (si_pid is not None and g.sender_tgid != si_pid))
        s = e["sender"]
        if r is None:
            c["no_kernel_record"] += 1
            details.append(f"no kernel record: {e['sig']} {e['code']} to {e['comm']}({tid}), "
                           f"sigvisor says {s['comm']}({s['pid']}) {s['scope']} [seq {e['seq']}]")
            continue
        r.taken = True
        if passed:
            c["matched_out_of_order"] += 1
        if code != r.code:
            c["code_differs"] += 1
            details.append(f"si_code differs: sigvisor {e['code']}, kernel {r.describe(tgid_of)}")
        if same_comm(e.get("comm"), r.target_comm):
            c["receiver_comm_agrees"] += 1
        if kernel_made(r.code):
            if s["scope"] == "kernel" and s["pid"] is None:
                c["kernel_agree"] += 1
            else:
                c["kernel_disagree"] += 1
                details.append(f"disagree (kernel-made): sigvisor {s['comm']}({s['pid']}) "
                               f"{s['scope']}; kernel {r.describe(tgid_of)} [seq {e['seq']}]")
            if sig == SIGCHLD:
                g = r.sender_tgid
                kind = ("sigvisor (reaping its tracee)" if sv_pid and g == sv_pid else
                        "the child (si_pid)" if g == e["info"].get("si_pid") else
                        "the receiver itself" if g == tgid else "another task")
                chld_from[kind] += 1
            continue
        if s["pid"] == r.sender_tgid and r.sender_tgid:
            c["agree"] += 1
            c["kernel_comm_at_send" if r.comm_at_send else "kernel_comm_cached"] += 1
            if s["tid"] == r.sender_tid:
                c["agree_tid"] += 1
            if r.sender_comm == "" or s["comm"] is None:
                c["agree_comm_unknown"] += 1
            elif same_comm(s["comm"], r.sender_comm):
                c["agree_comm"] += 1
            else:
                c["agree_comm_differs"] += 1
                details.append(f"comm differs: sigvisor {s['comm']}, kernel {r.describe(tgid_of)}")
        else:
            c["disagree"] += 1
            details.append(f"disagree: sigvisor {s['comm']}({s['pid']}/{s['tid']}) {s['scope']}; "
                           f"kernel {r.describe(tgid_of)} [seq {e['seq']}]")

    # 2. Deaths by SIGKILL.
    exits = {}
    for e in events:
        if e.get("event") == "exit" and not e.get("thread"):
            exits[e["pid"]] = e
    for e in exits.values():
        if e["status"].get("signal") != "SIGKILL":
            continue
        c["sigkill_exits"] += 1
        r, _ = first_untaken(by_sig, SIGKILL, lambda g: tgid_of.get(g.target) == e["pid"])
        k = e["killer"]
        if r is None:
            c["killer_no_kernel_record"] += 1
            details.append(f"no kernel record of the SIGKILL that killed {e['comm']}({e['pid']})"
                           f", killer {k}")
            continue
        r.taken = True
        if k is None:
            c["missing_killer"] += 1
            details.append(f"missing: killer null for {e['comm']}({e['pid']}); "
                           f"kernel {r.describe(tgid_of)}")
        elif k["pid"] == r.sender_tgid:
            c["killer_agree"] += 1
            if k["tid"] == r.sender_tid:
                c["killer_agree_tid"] += 1
            if r.sender_comm == "" or k["comm"] is None:
                c["killer_agree_comm_unknown"] += 1
            elif same_comm(k["comm"], r.sender_comm):
                c["killer_agree_comm"] += 1
            else:
                c["killer_agree_comm_differs"] += 1
                details.append(f"killer comm differs: sigvisor {k}, kernel {r.describe(tgid_of)}")
            c["killer_source_" + k["source"]] += 1
        else:
            c["killer_disagree"] += 1
            details.append(f"disagree (killer): sigvisor {k}; kernel {r.describe(tgid_of)}")

    # 3. What the kernel recorded and no sigvisor event took.
    kernel_delivered = collections.Counter()
    for tid, tgid, sig in delivers:
        g = tgid_of.get(tid)
        if g is not None:
            kernel_delivered[(g, sig)] += 1
    left = collections.defaultdict(list)
    for r in tree_gens:
        if r.taken:
            continue
        if not queued(r.res):
            c["not_queued_" + RESULTS.get(r.res, str(r.res))] += 1
            continue
        g = tgid_of[r.target]
        if r.sig == SIGKILL:
            e = exits.get(g)
            if e is None:
                c["missing_exit"] += 1
                details.append(f"missing: no exit event after {r.describe(tgid_of)}")
            else:
                c["sigkill_to_dying"] += 1  # the first one killed it, or it was exiting
            continue
        left[(g, r.sig)].append(r)
    for key, rs in left.items():
        extra = max(0, kernel_delivered[key] - delivered_by_sigvisor[key])
        missing = min(extra, len(rs))
        c["missing"] += missing
        c["never_delivered"] += len(rs) - missing
        for r in rs[:missing]:
            details.append(f"missing (kernel delivered {kernel_delivered[key]}, sigvisor "
                           f"{delivered_by_sigvisor[key]}): {r.describe(tgid_of)}")

    c["tree_records"] = len(tree_gens)
    c["cache_stale_tgid"] = stale["tgid"]
    c["cache_stale_comm"] = stale["comm"]
    c["trace_records"] = len(gens)
    c["lost"] = lost
    c["malformed"] = malformed
    row = {"scenario": args.scenario, "run": args.run, "counts": dict(c),
           "sigchld_generated_by": dict(chld_from), "processes": len(set(tgid_of.values()))}
    print_table(row)
    if args.details or any(c[k] for k in BAD):
        for d in details[:args.max_details]:
            print("  " + d)
        if len(details) > args.max_details:
            print(f"  ... {len(details) - args.max_details} more")
    if args.results:
        with open(args.results, "a") as f:
            f.write(json.dumps(row) + "\n")
    return 1 if any(c[k] for k in BAD) else 0


BAD = ("disagree", "kernel_disagree", "killer_disagree", "missing", "missing_killer",
       "missing_exit", "no_kernel_record", "killer_no_kernel_record")


def agreeing(c):
    return c.get("agree", 0) + c.get("kernel_agree", 0) + c.get("killer_agree", 0)


def disagreeing(c):
    return c.get("disagree", 0) + c.get("kernel_disagree", 0) + c.get("killer_disagree", 0)


def missing(c):
    return c.get("missing", 0) + c.get("missing_killer", 0) + c.get("missing_exit", 0)


def sigvisor_only(c):
    return c.get("no_kernel_record", 0) + c.get("killer_no_kernel_record", 0)


def not_queued(c):
    return sum(v for k, v in c.items() if k.startswith("not_queued_"))


def print_table(row):
    c = collections.Counter(row["counts"])
    title = f"{row['scenario']}" + (f" run {row['run']}" if row["run"] else "")
    print(f"== {title}: {row['processes']} processes; {c['trace_records']} signal_generate "
          f"records, {c['tree_records']} to the tree; lost {c['lost']}, unparsed {c['malformed']}")
    print(f"   (the trace's cached sender tgid / comm, where fork and rename events say otherwise:"
          f" {c['cache_stale_tgid']} / {c['cache_stale_comm']} of all records)")
    lines = [
        ("sigvisor deliveries (signal events)", c["deliveries"], ""),
        ("  user-sent, same sender pid", c["agree"],
         f"same tid {c['agree_tid']}; comm same {c['agree_comm']}, different "
         f"{c['agree_comm_differs']}, unknown on a side {c['agree_comm_unknown']}"),
        ("    the kernel's sender comm: at the send / cached", c["kernel_comm_at_send"],
         f"/ {c['kernel_comm_cached']} (followed through fork and rename events / the "
         f"trace's name cache)"),
        ("  user-sent, different sender", c["disagree"], ""),
        ("  kernel-made, scope kernel", c["kernel_agree"],
         "SIGCHLD generated by " + (", ".join(f"{k} {v}" for k, v in
                                               sorted(row["sigchld_generated_by"].items()))
                                     or "-")),
        ("  kernel-made, sigvisor names a sender", c["kernel_disagree"], ""),
        ("  no kernel record", c["no_kernel_record"], ""),
        ("  receiver comm = kernel's target comm", c["receiver_comm_agrees"],
         f"si_code differs: {c['code_differs']}; matched past an older record (taken by "
         f"sigwait/signalfd): {c['matched_out_of_order']}"),
        ("deaths by SIGKILL (exit events)", c["sigkill_exits"], ""),
        ("  killer: same pid", c["killer_agree"],
         f"same tid {c['killer_agree_tid']}; comm same {c['killer_agree_comm']}, different "
         f"{c['killer_agree_comm_differs']}, unknown {c['killer_agree_comm_unknown']}; "
         f"source intercepted "
         f"{c['killer_source_intercepted']}, kernel {c['killer_source_kernel']}"),
        ("  killer: different pid", c["killer_disagree"], ""),
        ("  killer: null (missing)", c["missing_killer"], ""),
        ("  no kernel record", c["killer_no_kernel_record"], ""),
        ("missing: kernel queued and delivered, no event", c["missing"] + c["missing_exit"], ""),
        ("other: queued, never delivered by the kernel", c["never_delivered"],
         "pending at exit, SIGSTOP/SIGCONT flushing each other, sigwait/signalfd"),
        ("other: SIGKILL to a dying/exiting process", c["sigkill_to_dying"], ""),
        ("other: not queued", not_queued(c),
         ", ".join(f"{k[len('not_queued_'):]} {v}" for k, v in sorted(c.items())
                   if k.startswith("not_queued_")) or "-"),
    ]
    for label, n, note in lines:
        print(f"  {label:<48} {n:>6}  {note}".rstrip())
    print(f"  => agreeing {agreeing(c)}, disagreeing {disagreeing(c)}, missing {missing(c)}, "
          f"sigvisor-only {sigvisor_only(c)}, other {c['never_delivered'] + c['sigkill_to_dying'] + not_queued(c)}")


def agree_cell(c, key):
    """'N (tid T; comm = S, != D, ? U)': of N same pids, T same tids, S same comms, D
    different comms, U comms unknown on a side (the kernel's `<...>`, a null comm)."""
    return (f"{c.get(key, 0)} (tid {c.get(key + '_tid', 0)}; comm = {c.get(key + '_comm', 0)},"
            f" != {c.get(key + '_comm_differs', 0)}, ? {c.get(key + '_comm_unknown', 0)})")


def summary(args):
    rows = [json.loads(line) for line in open(args.results) if line.strip()]

    def get(key):
        return lambda c: c.get(key, 0)

    cols = [("deliveries", get("deliveries")), ("SIGKILL deaths", get("sigkill_exits")),
            ("user-sent agree", lambda c: agree_cell(c, "agree")),
            ("kernel-made agree", get("kernel_agree")),
            ("killer agree", lambda c: agree_cell(c, "killer_agree")),
            ("disagreeing", disagreeing), ("missing", missing), ("sigvisor-only", sigvisor_only),
            ("other: never delivered", get("never_delivered")),
            ("other: not queued", not_queued), ("other: SIGKILL to dying", get("sigkill_to_dying")),
            ("lost", get("lost"))]
    print("| scenario | run | " + " | ".join(n for n, _ in cols) + " |")
    print("|" + "---|" * (len(cols) + 2))
    for r in rows:
        cells = [str(f(collections.Counter(r["counts"]))) for _, f in cols]
        print(f"| {r['scenario']} | {r['run']} | " + " | ".join(cells) + " |")


def record(args):
    fd = os.open(args.pipe, os.O_RDONLY | os.O_NONBLOCK)
    with open(args.out, "wb") as out:
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                data = b""
            if data:
                out.write(data)
                continue
            # Empty: done once the script said so (it turned tracing off first).
            if os.path.exists(args.stopfile):
                break
            select.select([fd], [], [], 0.1)
    os.close(fd)
    return 0


def count(args):
    n = 0
    try:
        events = read_events(args.events)
    except (FileNotFoundError, json.JSONDecodeError):
        events = []
    for e in events:
        if e.get("event") != args.event:
            continue
        if args.sig and e.get("sig") != args.sig:
            continue
        if args.code and e.get("code") != args.code:
            continue
        if args.sender_pid is not None and (e.get("sender") or {}).get("pid") != args.sender_pid:
            continue
        n += 1
    print(n)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--scenario", required=True)
    c.add_argument("--trace", required=True)
    c.add_argument("--events", required=True)
    c.add_argument("--sigvisor-pid", type=int, default=0)
    c.add_argument("--run", type=int, default=0)
    c.add_argument("--results")
    c.add_argument("--start-marker", default="ftrace-compare start")
    c.add_argument("--details", action="store_true")
    c.add_argument("--max-details", type=int, default=40)
    s = sub.add_parser("summary")
    s.add_argument("results")
    r = sub.add_parser("record")
    r.add_argument("pipe")
    r.add_argument("out")
    r.add_argument("stopfile")
    n = sub.add_parser("count")
    n.add_argument("events")
    n.add_argument("--event", default="signal")
    n.add_argument("--sig")
    n.add_argument("--code")
    n.add_argument("--sender-pid", type=int)
    args = p.parse_args()
    return {"compare": compare, "summary": summary, "record": record, "count": count}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
