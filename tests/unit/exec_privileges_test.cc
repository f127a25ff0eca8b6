// What an exec under no_new_privs did not give, from the facts the kernel engine records
// at the exec (the file's mode and owner, its mount, the credentials after it).
#include "kernel/exec_privileges.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

namespace sigvisor {
namespace {

struct Row {
  const char* name;
  ImageFacts facts;
  const char* want;
};

ImageFacts facts(unsigned mode, uid_t fuid, gid_t fgid, uid_t euid, gid_t egid,
                 bool nosuid = false) {
  ImageFacts f;
  f.mode = S_IFREG | mode;
  f.file_uid = fuid;
  f.file_gid = fgid;
  f.euid = euid;
  f.egid = egid;
  f.nosuid = nosuid;
  return f;
}

TEST(ExecPrivileges, WhatTheImageWouldHaveGiven) {
  const Row rows[] = {
      {"ordinary binary", facts(0755, 0, 0, 1000, 1000), ""},
      {"setuid root, not gained", facts(04755, 0, 0, 1000, 1000), "setuid root"},
      {"setuid root, gained", facts(04755, 0, 0, 0, 1000), ""},
      {"setuid another uid", facts(04755, 1001, 0, 1000, 1000), "setuid uid 1001"},
      {"setgid, not gained", facts(02755, 0, 50, 1000, 1000), "setgid gid 50"},
      {"setgid, gained", facts(02755, 0, 50, 1000, 50), ""},
      // S_ISGID without group execute is mandatory locking, not setgid.
      {"mandatory locking bit", facts(02745, 0, 50, 1000, 1000), ""},
      {"nosuid mount: ignored natively too", facts(04755, 0, 0, 1000, 1000, true), ""},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(ungained_privileges(r.facts, ""), r.want) << r.name;
  }
}

}  // namespace
}  // namespace sigvisor
