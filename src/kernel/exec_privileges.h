// What an exec would have given natively and did not: a program running with
// no_new_privs that execs a setuid or setgid binary, or one with file capabilities, runs
// it with the privileges it had (the kernel ignores the bits and the capabilities).
// sudo, su, ping... then fail in their own words; sigvisor says why (docs/ci.md).
// Asked right after the exec, of the new image (/proc/PID/exe) and the process's ids.
#pragma once

#include <sys/types.h>

#include <string>

namespace sigvisor {

// "setuid root", "setuid uid 1000", "setgid gid 50", "file capabilities": what process
// `pid`'s new image would have given it, where the process did not get it; "" when
// nothing was lost (an ordinary binary, bits the process already had, a nosuid mount
// where the kernel ignores them natively too, or a process that is gone).
std::string ungained_privileges(pid_t pid);

// The same from facts recorded at the exec (the kernel engine reads its records after the
// process may be gone). `path`: the image, for its capability attribute.
struct ImageFacts {
  unsigned mode = 0;  // the image's st_mode
  uid_t file_uid = 0;
  gid_t file_gid = 0;
  bool nosuid = false;  // mounted nosuid: the bits are ignored natively too
  uid_t euid = 0;       // the process's effective ids after the exec
  gid_t egid = 0;
};
std::string ungained_privileges(const ImageFacts& f, const std::string& path);

}  // namespace sigvisor
