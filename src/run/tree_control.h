// What the supervisor does to the whole tree or to one process of it: the policy's `kill`
// and `abort`, --timeout, a fatal signal to sigvisor. One interface so that the launch
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
  // A signal to sigvisor passed on to the program (the root process). False when the
  // program is gone (its tree may live on): the caller ends the tree instead.
  virtual bool signal_program(int sig) = 0;
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
  bool signal_program(int sig) override;
  std::size_t signal_tree(int sig) override;
  std::size_t end_tree() override;

 private:
  const ProcessTable& table_;
  const pid_t root_;
  std::mutex mu_;
  std::unordered_set<pid_t> ended_;
};

}  // namespace sigvisor
