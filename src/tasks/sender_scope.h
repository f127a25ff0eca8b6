// Where a signal's sender stands relative to the task that receives it (or dies of it):
// the receiving process itself (`self`), another thread of it (`thread`: only when both
// thread ids are known), another process of the tree, sigvisor, or outside. The table
// decides membership: a pid it never knew is outside, whatever /proc says.
#pragma once

#include <sys/types.h>

#include "tasks/process_table.h"

namespace sigvisor {

// `sender_tid` and `receiver_tid` are 0 when unknown.
inline Scope sender_scope(const ProcessTable& table, pid_t supervisor_pid, pid_t sender,
                          pid_t sender_tid, pid_t receiver, pid_t receiver_tid) {
  if (sender == receiver) {
    const bool sibling = sender_tid != 0 && receiver_tid != 0 && sender_tid != receiver_tid;
    return sibling ? Scope::thread : Scope::self;
  }
  if (table.remembered_comm(sender)) return Scope::sandbox;
  return sender == supervisor_pid ? Scope::supervisor : Scope::outside;
}

}  // namespace sigvisor
