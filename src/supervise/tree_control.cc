// See tree_control.h.
#include "supervise/tree_control.h"

#include <csignal>

namespace sigvisor {

void KillingTree::kill_process(pid_t tgid) {
  ::kill(tgid, SIGKILL);
}

std::size_t KillingTree::end_tree() {
  // Every process in the table now is ended by this call: the group kill may make one
  // die and be reaped before its own kill below, which then fails, so count the snapshot.
  const std::vector<pid_t> tgids = table_.all_tgids();
  if (table_.find(root_)) ::kill(-root_, SIGKILL);
  std::lock_guard lock(mu_);
  for (pid_t p : tgids) {
    ::kill(p, SIGKILL);
    ended_.insert(p);
  }
  return ended_.size();
}

}  // namespace sigvisor
