// Policy::forbids_outside(): true exactly when no rule and not the default can let a
// send-family call through to a process outside the sandbox (or pid 1). It switches on
// the Landlock backstop, so a wrong "true" would make the kernel refuse what the policy
// allows: the table covers the ways a policy can leave the outside reachable.
#include <gtest/gtest.h>

#include <string>

#include "policy/policy.h"

#ifndef SIGVISOR_SOURCE_DIR
#error "SIGVISOR_SOURCE_DIR must name the source tree"
#endif

namespace sigvisor {
namespace {

bool forbids(const std::string& json) {
  auto p = Policy::load_string(json, "test");
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
  return p && p->forbids_outside();
}

TEST(PolicyScopeCheck, ShippedPolicies) {
  const std::string dir = std::string(SIGVISOR_SOURCE_DIR) + "/policies/";
  struct Case {
    const char* file;
    bool forbids;
  };
  for (const Case& c :
       {Case{"ci-isolation.json", true}, Case{"untrusted.json", true}, Case{"trace.json", false}}) {
    auto p = Policy::load_file(dir + c.file);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->forbids_outside(), c.forbids) << c.file;
  }
  EXPECT_FALSE(Policy::trace_all().forbids_outside());
}

TEST(PolicyScopeCheck, Table) {
  struct Case {
    const char* what;
    const char* rules;
    const char* dflt;
    bool forbids;
  };
  const Case cases[] = {
      {"deny outside and init",
       R"([{"name":"a","match":{"target":["outside","init"]},"action":"deny"}])", "allow", true},
      {"outside denied, init left to an allowing default",
       R"([{"name":"a","match":{"target":["outside"]},"action":"deny"}])", "allow", false},
      {"default deny", "[]", "deny", true},
      {"default kill", "[]", "kill", true},
      {"an allow rule for outside first",
       R"([{"name":"a","match":{"target":["outside"]},"action":"allow"},
           {"name":"b","match":{"target":["outside","init"]},"action":"deny"}])",
       "deny", false},
      {"log lets the call through",
       R"([{"name":"a","match":{"target":["outside"]},"action":"log"}])", "deny", false},
      {"a refusal narrowed by sig does not cover every call",
       R"([{"name":"a","match":{"target":["outside","init"],"sig":["SIGKILL"]},"action":"deny"}])",
       "allow", false},
      {"a refusal narrowed by comm does not cover every call",
       R"([{"name":"a","match":{"target":["outside","init"],"comm":["x*"]},"action":"abort"}])",
       "allow", false},
      {"a refusal for kill only leaves tgkill",
       R"([{"name":"a","match":{"syscall":["kill"],"target":["outside","init"]},"action":"deny"}])",
       "allow", false},
      {"allow rules for inside scopes do not matter",
       R"([{"name":"a","match":{"syscall":["send"],"target":["self","child"]},"action":"allow"},
           {"name":"b","match":{"syscall":["send"]},"action":"abort"}])",
       "allow", true},
      {"allow rules for other families do not matter",
       R"([{"name":"a","match":{"syscall":["mask"]},"action":"allow"}])", "deny", true},
  };
  for (const Case& c : cases) {
    std::string json =
        std::string(R"({"name":"t","default":")") + c.dflt + R"(","rules":)" + c.rules + "}";
    EXPECT_EQ(forbids(json), c.forbids) << c.what;
  }
}

}  // namespace
}  // namespace sigvisor
