// See exec_privileges.h.
#include "kernel/exec_privileges.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include <cstdio>

#include "kernel/proc_reader.h"

namespace sigvisor {

std::string ungained_privileges(pid_t pid) {
  char exe[64];
  std::snprintf(exe, sizeof exe, "/proc/%d/exe", static_cast<int>(pid));
  struct stat st {};
  if (stat(exe, &st) != 0) return "";
  const bool setuid = (st.st_mode & S_ISUID) != 0;
  // Without group execute, S_ISGID means mandatory locking, not setgid.
  const bool setgid = (st.st_mode & S_ISGID) != 0 && (st.st_mode & S_IXGRP) != 0;
  // Only a setuid, setgid or capability-carrying image costs more than this stat.
  const bool caps = getxattr(exe, "security.capability", nullptr, 0) > 0;
  if (!setuid && !setgid && !caps) return "";
  struct statvfs vfs {};
  if (statvfs(exe, &vfs) == 0 && (vfs.f_flag & ST_NOSUID) != 0) return "";  // native too
  auto status = read_status(pid);
  if (!status || !status->effective_uid || !status->effective_gid) return "";
  char what[64];
  if (setuid && *status->effective_uid != st.st_uid) {
    if (st.st_uid == 0) return "setuid root";
    std::snprintf(what, sizeof what, "setuid uid %u", static_cast<unsigned>(st.st_uid));
    return what;
  }
  if (setgid && *status->effective_gid != st.st_gid) {
    std::snprintf(what, sizeof what, "setgid gid %u", static_cast<unsigned>(st.st_gid));
    return what;
  }
  // Root already holds every capability a file could give.
  if (caps && *status->effective_uid != 0) return "file capabilities";
  return "";
}

}  // namespace sigvisor
