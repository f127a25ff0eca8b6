// Who sent a traced signal: the trace line's sender, checked against what is known of
// that thread now.
//
// A signal_generate line names its sender by thread id (exact: recorded with the event)
// and by a thread group id and a name that are not recorded with it: the kernel prints
// them from two caches (the tgid map and saved_cmdlines) that it fills lazily, at the
// next context switch or wake-up on the sender's CPU after an event. Until then — while
// the sender runs on after its send, which a `kill` process fresh from a shell's fork
// does — the caches may still hold the name it had before its exec or rename ("bash"
// for a /bin/kill), or the thread group of an earlier task with the same id (seen:
// 26099 for a single-threaded 26108). Once the sender has been switched out, they hold
// its own values.
//
// So: a sender the process table knows takes its thread group from the table; its name
// from the trace when the table agrees, else from /proc (one of the two is behind: the
// cache, or the table after a rename it could not see). A sender the table does not know
// is read from /proc while it lives. Only a sender that is gone keeps the trace's values:
// it was switched out when it exited, so they are its own.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>

#include "engine/notify/ktrace/trace_line.h"
#include "engine/notify/send_witness.h"
#include "tasks/scope_rules.h"

namespace sigvisor {

struct NamedSender {
  WitnessedSend send;
  bool corrected = false;  // the trace's tgid or name was replaced
};

// `in_table`: the table's entry for s.sender_tid; `from_proc`: a task read from /proc.
NamedSender name_sender(const TraceSend& s, const std::optional<TaskInfo>& in_table,
                        const std::function<std::optional<TaskInfo>(pid_t)>& from_proc);

}  // namespace sigvisor
