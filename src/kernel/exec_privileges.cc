// See exec_privileges.h.
#include "kernel/exec_privileges.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include <cstdio>

#include "kernel/proc_reader.h"

namespace sigvisor {

std::string ungained_privileges(const ImageFacts& f, const std::string& path) {
  if (f.nosuid) return "";  // the kernel ignores the bits there natively too
  const bool setuid = (f.mode & S_ISUID) != 0;
  // Without group execute, S_ISGID means mandatory locking, not setgid.
  const bool setgid = (f.mode & S_ISGID) != 0 && (f.mode & S_IXGRP) != 0;
  char what[64];
  if (setuid && f.euid != f.file_uid) {
    if (f.file_uid == 0) return "setuid root";
    std::snprintf(what, sizeof what, "setuid uid %u", static_cast<unsigned>(f.file_uid));
    return what;
  }
  if (setgid && f.egid != f.file_gid) {
    std::snprintf(what, sizeof what, "setgid gid %u", static_cast<unsigned>(f.file_gid));
    return what;
  }
  // Root already holds every capability a file could give; the attribute is read last,
  // only when the bits decided nothing.
  if (f.euid != 0 && !path.empty() &&
      getxattr(path.c_str(), "security.capability", nullptr, 0) > 0) {
    return "file capabilities";
  }
  return "";
}

std::string ungained_privileges(pid_t pid) {
  char exe[64];
  std::snprintf(exe, sizeof exe, "/proc/%d/exe", static_cast<int>(pid));
  struct stat st {};
  if (stat(exe, &st) != 0) return "";
  ImageFacts f;
  f.mode = st.st_mode;
  f.file_uid = st.st_uid;
  f.file_gid = st.st_gid;
  const bool special = (st.st_mode & (S_ISUID | S_ISGID)) != 0 ||
                       getxattr(exe, "security.capability", nullptr, 0) > 0;
  if (!special) return "";
  struct statvfs vfs {};
  f.nosuid = statvfs(exe, &vfs) == 0 && (vfs.f_flag & ST_NOSUID) != 0;
  auto status = read_status(pid);
  if (!status || !status->effective_uid || !status->effective_gid) return "";
  f.euid = *status->effective_uid;
  f.egid = *status->effective_gid;
  return ungained_privileges(f, exe);
}

}  // namespace sigvisor
