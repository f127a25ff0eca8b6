// See tree_control.h.
#include "run/tree_control.h"

#include <csignal>

#include "kernel/proc_reader.h"

namespace sigvisor {

void KillingTree::kill_process(pid_t tgid) {
  ::kill(tgid, SIGKILL);
}

bool KillingTree::forward(int sig, bool to_group) {
  // Only while the root is in the table (not reaped): its pid, which is its group's id,
  // cannot have been reused.
  return table_.find(root_).has_value() && ::kill(to_group ? -root_ : root_, sig) == 0;
}

bool KillingTree::forward_to_rest_of_group(int sig) {
  if (!table_.find(root_)) return false;
  for (pid_t p : table_.all_tgids()) {
    if (p == root_) continue;
    auto st = read_stat(p);
    if (st && st->pgrp == root_) ::kill(p, sig);
  }
  return true;
}

std::size_t KillingTree::signal_tree(int sig) {
  const std::vector<pid_t> tgids = table_.all_tgids();
  const bool group = table_.find(root_).has_value();
  if (group) ::kill(-root_, sig);
  for (pid_t p : tgids) ::kill(p, sig);
  if (sig != SIGCONT) {
    if (group) ::kill(-root_, SIGCONT);
    for (pid_t p : tgids) ::kill(p, SIGCONT);
  }
  return tgids.size();
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
