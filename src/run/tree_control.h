// What the supervisor does to the whole tree or to one process of it: the policy's `kill`
// and `abort`, --timeout, a signal to sigvisor passed on, the tree ended. One interface
// (no ptrace in it: both engines use it) so that the launch
// front end kills (the tree must not outlive supervision) while an attach front end can
// detach instead, and so that tests can watch what would have been killed.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <mutex>
#include <unordered_set>

#include "tasks/process_table.h"

namespace sigvisor {

class TreeRelease;  // engine/notify/tree_release.h: attach mode lets go by detaching

class TreeControl {
 public:
  virtual ~TreeControl() = default;
  // The policy's `kill`: SIGKILL one process of the tree.
  virtual void kill_process(pid_t tgid) = 0;
  // A signal to sigvisor passed on to the program in the shape it was sent
  // (signal_requests.h): to the program's process group (`to_group`), as the kernel sends
  // to a group (members forked meanwhile included), or to its first process. False when
  // the program's first process is gone (the group id could name another group by now).
  virtual bool forward(int sig, bool to_group) = 0;
  // A request first passed on to the first process reaches the rest of its group too
  // (timeout(1)'s second copy): every process of the tree in that group but the first.
  virtual bool forward_to_rest_of_group(int sig) = 0;
  // --timeout as timeout(1) does it: `sig` to every process of the tree, then SIGCONT so
  // that stopped ones wake up to receive it. Returns how many processes were signalled.
  virtual std::size_t signal_tree(int sig) = 0;
  // Ends every process the table knows (again and again while late children appear).
  // Returns how many distinct processes were ended so far.
  virtual std::size_t end_tree() = 0;
  // Whether ending the tree lets go of it (attach: detach) rather than killing it.
  virtual bool lets_go() const { return false; }
  // The stop dispatcher's side of ending the tree, when ending it means letting go of it
  // (attach: detaching_tree.h); nullptr when the tree is killed instead (launch).
  virtual TreeRelease* release() { return nullptr; }
};

// Launch mode: SIGKILL. The launched program's process group first, in one call:
// otherwise a parent still alive when its child dies could run its SIGCHLD handler (and
// print, exit...) before its own SIGKILL. A member with SIGKILL pending never returns to
// user space. The group id is only used while the root is still in the table (not
// reaped), so it cannot name a recycled group. Processes that left the group (setsid,
// setpgid) follow one by one. Thread-safe: the notify, ptrace and control threads use it.
class KillingTree final : public TreeControl {
 public:
  KillingTree(const ProcessTable& table, pid_t root) : table_(table), root_(root) {}
  void kill_process(pid_t tgid) override;
  bool forward(int sig, bool to_group) override;
  bool forward_to_rest_of_group(int sig) override;
  std::size_t signal_tree(int sig) override;
  std::size_t end_tree() override;

 private:
  const ProcessTable& table_;
  const pid_t root_;
  std::mutex mu_;
  std::unordered_set<pid_t> ended_;
};

}  // namespace sigvisor
