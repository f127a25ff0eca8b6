// See member_view.h.
#include "engine/kernel/member_view.h"

#include <bpf/bpf.h>

#include "engine/kernel/kernel_records.h"
#include "kernel/proc_reader.h"

namespace sigvisor {

std::optional<MemberView::Entry> MemberView::lookup(pid_t tid) const {
  if (tid <= 0) return std::nullopt;
  const auto key = static_cast<uint32_t>(tid);
  sv_member m{};
  if (bpf_map_lookup_elem(fd_, &key, &m) != 0) return std::nullopt;
  return Entry{static_cast<pid_t>(m.tgid), static_cast<pid_t>(m.ptgid), m.exited != 0};
}

Comm MemberView::name_of(pid_t tid) const {
  if (auto t = names_.find(tid)) return t->comm;
  return read_comm(tid).value_or(Comm{});
}

std::optional<TaskInfo> MemberView::task(pid_t tid) const {
  auto e = lookup(tid);
  if (!e || e->exited) return std::nullopt;
  return TaskInfo{tid, e->tgid, e->ptgid, name_of(tid)};
}

bool MemberView::is_descendant(pid_t tgid, pid_t ancestor_tgid) const {
  pid_t cur = tgid;
  for (int depth = 0; depth < 4096; ++depth) {  // bounded against a cycle
    auto e = lookup(cur);
    if (!e || e->ptgid == 0) return false;
    cur = e->ptgid;
    if (cur == ancestor_tgid) return true;
  }
  return false;
}

std::optional<TaskInfo> MemberView::zombie(pid_t tgid) const {
  auto e = lookup(tgid);
  if (!e || !e->exited || e->tgid != tgid) return std::nullopt;
  return TaskInfo{tgid, tgid, e->ptgid, name_of(tgid)};
}

}  // namespace sigvisor
