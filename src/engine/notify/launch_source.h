// The launch front end: builds the seccomp filter, starts the program (launcher.h) with
// its own process group, no_new_privs, the optional Landlock domain and the filter, and
// PTRACE_SEIZEs it (children inherit the options, EXITKILL: if sigvisor dies, the tree
// dies) before letting it exec.
#pragma once

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "engine/notify/tracee_source.h"
#include "kernel/seccomp_filter.h"
#include "run/launcher.h"

namespace sigvisor {

struct LaunchOptions {
  std::vector<std::string> argv;
  FilterSpec filter;
  sigset_t child_sigmask{};                     // the mask the program starts with
  std::vector<Disposition> child_dispositions;  // as sigvisor's caller left them
  std::optional<RunAs> run_as;                  // --user
  UniqueFd landlock_ruleset;          // a Landlock ruleset to enter (closed once entered), or none
  const PtyChildSide* pty = nullptr;  // the program's own pseudo-terminal, or none
  bool no_new_privs = true;           // launcher.h: needs_no_new_privs()
};

class LaunchSource final : public TraceeSource {
 public:
  explicit LaunchSource(LaunchOptions opts) : opts_(std::move(opts)) {}
  ~LaunchSource() override;
  // Builds the filter only: a bad filter must fail before anything is started.
  Status prepare();
  // The Landlock ruleset to enter, or none: closed once the program entered it.
  void set_landlock_ruleset(UniqueFd fd) { opts_.landlock_ruleset = std::move(fd); }
  Result<std::vector<TaskInfo>> start() override;
  std::unique_ptr<TreeControl> make_tree(const ProcessTable& table, pid_t root) override {
    return std::make_unique<KillingTree>(table, root);
  }
  int listener() const override { return child_ ? child_->listener.get() : -1; }
  pid_t session_keeper() const override { return child_ ? child_->keeper : 0; }
  RestartRule restart_rule() const override { return RestartRule::filtered; }
  Status release() override;
  // Whether the program's group was given the terminal at launch; from now on the caller
  // (the job-control proxy) gives it back, not finish().
  bool hand_over_terminal() override;
  void finish() override;

 private:
  LaunchOptions opts_;
  std::optional<BpfProgram> filter_;
  std::optional<Launched> child_;
};

// Options for PTRACE_SEIZE of the launched program (children inherit them).
long launch_ptrace_options();

}  // namespace sigvisor
