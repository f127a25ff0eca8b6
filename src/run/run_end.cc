// See run_end.h.
#include "run/run_end.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdio>

#include "names/signal_names.h"
#include "run/run_options.h"

namespace sigvisor {

int exit_status(const RunEnd& end) {
  if (end.end_status != 0) return end.end_status;
  if (WIFSIGNALED(end.root_status)) return 128 + WTERMSIG(end.root_status);
  return WEXITSTATUS(end.root_status);
}

int program_death_signal(const RunEnd& end) {
  if (end.end_status != 0 || !WIFSIGNALED(end.root_status)) return 0;
  return WTERMSIG(end.root_status);
}

std::string end_message(const RunEnd& end) {
  char buf[200];
  const char* verb = end.detached ? "detached" : "killed";
  switch (end.cause) {
    case RunEnd::Cause::timeout:
      if (end.signal == SIGKILL) {
        std::snprintf(buf, sizeof buf, "sigvisor: timeout after %g s: %s %zu processes",
                      end.timeout_s, verb, end.ended);
      } else if (end.killed_after) {
        std::snprintf(buf, sizeof buf,
                      "sigvisor: timeout after %g s: sent %s to %zu processes, killed %zu "
                      "still running %g s later",
                      end.timeout_s, signal_name(end.signal).c_str(), end.signalled, end.ended,
                      end.kill_after_s);
      } else {
        std::snprintf(buf, sizeof buf, "sigvisor: timeout after %g s: sent %s to %zu processes",
                      end.timeout_s, signal_name(end.signal).c_str(), end.signalled);
      }
      return buf;
    case RunEnd::Cause::fatal_signal:
      if (end.forced) {
        std::snprintf(buf, sizeof buf, "sigvisor: ^C three times: %s %zu processes", verb,
                      end.ended);
      } else if (end.kill_after_s > 0 && !end.detached) {
        std::snprintf(buf, sizeof buf,
                      "sigvisor: received %s: killed %zu processes still running %g s later",
                      std::string(signal_name(end.signal)).c_str(), end.ended, end.kill_after_s);
      } else {
        std::snprintf(buf, sizeof buf, "sigvisor: received %s: %s %zu processes",
                      std::string(signal_name(end.signal)).c_str(), verb, end.ended);
      }
      return buf;
    case RunEnd::Cause::program_exited:
      if (end.left_behind > 0) {
        std::snprintf(buf, sizeof buf,
                      "sigvisor: the program exited: killed %zu processes it left behind",
                      end.left_behind);
        return buf;
      }
      break;
    case RunEnd::Cause::policy_abort:
      break;
  }
  return {};
}

int exit_as(const ExitPlan& plan) {
  if (plan.signal == 0) return plan.status;
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(plan.signal, SIG_DFL);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, plan.signal);
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
  raise(plan.signal);
  return plan.status;  // a signal that does not kill (SIGSTOP, SIGCONT...): the fallback
}

}  // namespace sigvisor
