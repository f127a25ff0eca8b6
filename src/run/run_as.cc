// See run_as.h.
#include "run/run_as.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace sigvisor {
namespace {

std::optional<unsigned> number(const std::string& s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Result<RunAs> resolve_run_as(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string user = spec.substr(0, colon);
  const std::string group_name = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (user.empty()) return make_error("--user " + spec + ": no user named");
  RunAs r;
  r.name = user;
  const passwd* pw = nullptr;
  if (auto n = number(user)) {
    r.uid = *n;
    pw = getpwuid(r.uid);
    r.gid = pw != nullptr ? pw->pw_gid : r.uid;
  } else {
    pw = getpwnam(user.c_str());
    if (pw == nullptr) return make_error("--user " + spec + ": no such user: " + user);
    r.uid = pw->pw_uid;
    r.gid = pw->pw_gid;
  }
  if (colon != std::string::npos) {
    if (group_name.empty()) return make_error("--user " + spec + ": no group named after ':'");
    if (auto n = number(group_name)) {
      r.gid = *n;
    } else {
      const struct group* gr = getgrnam(group_name.c_str());
      if (gr == nullptr) return make_error("--user " + spec + ": no such group: " + group_name);
      r.gid = gr->gr_gid;
    }
  }
  if (pw != nullptr) {
    int n = 64;
    for (int tries = 0; tries < 4; ++tries) {
      r.groups.resize(static_cast<std::size_t>(n));
      int got = n;
      if (getgrouplist(pw->pw_name, r.gid, r.groups.data(), &got) >= 0) {
        r.groups.resize(static_cast<std::size_t>(got));
        break;
      }
      n = got > n ? got : n * 2;
    }
  } else {
    r.groups = {r.gid};
  }
  return r;
}

int apply_run_as(const RunAs& r, const char** step) {
  *step = "setgroups";
  if (setgroups(r.groups.size(), r.groups.data()) != 0) return -errno;
  *step = "setgid";
  if (setresgid(r.gid, r.gid, r.gid) != 0) return -errno;
  *step = "setuid";
  if (setresuid(r.uid, r.uid, r.uid) != 0) return -errno;
  // A non-root uid drops every capability (no SECBIT_KEEP_CAPS is set); make sure.
  *step = "capabilities left";
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) != 0) return -errno;
  if (r.uid != 0 &&
      (data[0].effective | data[0].permitted | data[1].effective | data[1].permitted) != 0) {
    return -EPERM;
  }
  return 0;
}

}  // namespace sigvisor
