// See exec_note.h.
#include "run/exec_note.h"

#include "kernel/exec_privileges.h"

namespace sigvisor {

namespace {

std::string note_for(RunState& sv, const std::string& lost, const std::string& path) {
  if (lost.empty()) return "";
  sv.diag.note_once(path, path + ": " + lost + " not honoured: no_new_privs is set (" +
                              sv.no_new_privs_why + ")");
  return std::string(kPrivilegesNotGained) + " (" + lost + ")";
}

}  // namespace

std::string exec_note(RunState& sv, pid_t pid, const std::string& path) {
  if (sv.no_new_privs_why.empty()) return "";
  return note_for(sv, ungained_privileges(pid), path);
}

std::string exec_note(RunState& sv, const ImageFacts& facts, const std::string& path) {
  if (sv.no_new_privs_why.empty()) return "";
  return note_for(sv, ungained_privileges(facts, path), path);
}

std::string no_new_privs_reason(bool policy_requires_user, const std::string& policy) {
  if (!needs_no_new_privs(policy_requires_user)) return "";
  if (policy_requires_user) {
    return "policy " + policy +
           " requires it: a program run unprivileged must not regain privileges";
  }
  return "sigvisor runs without CAP_SYS_ADMIN; started as root, with --user USER, it leaves "
         "it off";
}

}  // namespace sigvisor
