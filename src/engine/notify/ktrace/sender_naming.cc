// See sender_naming.h.
#include "engine/notify/ktrace/sender_naming.h"

namespace sigvisor {

NamedSender name_sender(const TraceSend& s, const std::optional<TaskInfo>& in_table,
                        const std::function<std::optional<TaskInfo>(pid_t)>& from_proc) {
  NamedSender n;
  WitnessedSend& w = n.send;
  w.sender.tid = s.sender_tid;
  w.sender.pid = s.sender_tgid;  // 0 when the kernel printed none
  w.sender.comm = s.sender_comm;
  w.comm_known = s.sender_comm[0] != '\0';  // empty for the kernel's "<...>"
  w.code = s.code;
  const auto take = [&](pid_t tgid, const Comm& comm) {
    n.corrected =
        (w.sender.pid != 0 && w.sender.pid != tgid) || (w.comm_known && w.sender.comm != comm);
    w.sender.pid = tgid;
    w.sender.comm = comm;
    w.comm_known = true;
  };
  if (in_table) {
    Comm comm = in_table->comm;
    if (!w.comm_known || w.sender.comm != comm) {
      // The cache or the table is behind: the kernel says which, while the thread lives.
      if (auto now = from_proc(s.sender_tid); now && now->tgid == in_table->tgid) comm = now->comm;
    }
    take(in_table->tgid, comm);
    return n;
  }
  if (auto now = from_proc(s.sender_tid)) take(now->tgid, now->comm);
  return n;
}

}  // namespace sigvisor
