// --user USER[:GROUP] resolution: names and numbers, groups, and the one-line errors.
#include <gtest/gtest.h>

#include "run/run_as.h"

namespace sigvisor {
namespace {

TEST(RunAs, ResolvesNamesAndNumbers) {
  struct Case {
    const char* spec;
    uid_t uid;
    gid_t gid;
  };
  // root and nobody exist on every Debian system (base-passwd).
  const Case cases[] = {{"root", 0, 0},          {"0", 0, 0},
                        {"root:0", 0, 0},        {"nobody", 65534, 65534},
                        {"65534", 65534, 65534}, {"nobody:root", 65534, 0},
                        {"0:65534", 0, 65534},   {"4242", 4242, 4242},
                        {"4242:7", 4242, 7}};
  for (const Case& c : cases) {
    auto r = resolve_run_as(c.spec);
    ASSERT_TRUE(r.ok()) << c.spec << ": " << r.error().message;
    EXPECT_EQ(r->uid, c.uid) << c.spec;
    EXPECT_EQ(r->gid, c.gid) << c.spec;
    EXPECT_FALSE(r->groups.empty()) << c.spec;
  }
}

TEST(RunAs, BadSpecsAreOneLineErrors) {
  struct Case {
    const char* spec;
    const char* message;
  };
  const Case cases[] = {
      {"", "--user : no user named"},
      {":root", "--user :root: no user named"},
      {"nobody:", "--user nobody:: no group named after ':'"},
      {"no-such-user-here", "--user no-such-user-here: no such user: no-such-user-here"},
      {"nobody:no-such-group", "--user nobody:no-such-group: no such group: no-such-group"},
  };
  for (const Case& c : cases) {
    auto r = resolve_run_as(c.spec);
    ASSERT_FALSE(r.ok()) << c.spec;
    EXPECT_EQ(r.error().message, c.message);
  }
}

}  // namespace
}  // namespace sigvisor
