// Policy loading, good input: the forms of every match key that must load, the hash,
// reading files, record and terminal modes (policy_parse_test.cc has the errors).
#include <gtest/gtest.h>

#include <unistd.h>
#include "case_name.h"
#include "policy_doc.h"

#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>

#include "policy/policy.h"
#include "policy/policy_hash.h"

namespace sigvisor {
namespace {

using test::with_rules;

struct GoodCase {
  const char* what;
  std::string json;
};
// ctest lists the case by name, not as a byte dump of the struct.
void PrintTo(const GoodCase& c, std::ostream* os) {
  *os << c.what;
}

class PolicyGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(PolicyGood, Loads) {
  auto r = Policy::load_string(GetParam().json, "good.json");
  EXPECT_TRUE(r.ok()) << GetParam().what << ": " << (r.ok() ? "" : r.error().message);
}

const GoodCase kGood[] = {
    {"minimal", R"({"name": "a", "default": "allow"})"},
    {"everything optional", R"({"name": "a", "description": "d", "default": "deny",
       "default_errno": "EACCES", "record": "denied", "require_user": true,
       "terminal": "relay", "rules": []})"},
    {"terminal shared", R"({"name": "a", "default": "allow", "terminal": "shared"})"},
    {"signal forms", with_rules(R"([{"name": "r", "match": {"sig": ["SIGTERM", "TERM", 9, "9",
       "SIGRTMIN", "SIGRTMIN+3", "SIGRTMAX-1", "SIGRT_3", "realtime", "SIGRTMIN-SIGRTMAX",
       "1-15", "SIGRTMIN+1-SIGRTMAX-2", "0", "IOT"]}, "action": "deny"}])")},
    {"single strings", with_rules(R"([{"name": "r", "match": {"syscall": "kill", "sig": "KILL",
       "target": "init", "comm": "sh", "exe": "/bin/*"}, "action": "deny"}])")},
    {"families", with_rules(R"([{"name": "r", "match": {"syscall": ["send", "mask", "action",
       "wait", "fd", "stack", "indirect", "limit", "rt_sigreturn"]}, "action": "log"}])")},
    {"commands", with_rules(R"([{"name": "r", "match": {"command": ["TIOCSTI", "F_SETOWN",
       "PR_SET_PDEATHSIG"], "target": ["outside"]}, "action": "deny"},
       {"name": "s", "match": {"syscall": "ioctl", "command": "TIOCSPGRP"}, "action": "log"}])")},
    {"target on the limit family", with_rules(R"([{"name": "r", "match": {"syscall":
       ["prlimit64"], "target": ["outside", "init", "supervisor"]}, "action": "deny"}])")},
    {"every scope", with_rules(R"([{"name": "r", "match": {"target": ["self", "thread", "child",
       "sandbox", "outside", "supervisor", "init", "group", "all", "invalid"]}, "action": "log"}])")},
    {"memory keys on stopping rules", with_rules(R"([
       {"name": "a", "match": {"code": ["SI_QUEUE", -6, "SEGV_MAPERR"]}, "action": "deny"},
       {"name": "b", "match": {"blocks": ["SIGTERM", "realtime"]}, "action": "kill"},
       {"name": "c", "match": {"handler": ["ignore", "default", "catch"]}, "action": "abort",
        "errno": "ESRCH"}])")},
    {"log on memory where nothing later stops the call", with_rules(R"([
       {"name": "a", "match": {"sig": "TERM", "handler": "ignore"}, "action": "log"},
       {"name": "b", "match": {"target": "all"}, "action": "deny"},
       {"name": "c", "match": {"syscall": "rt_sigaction", "sig": "INT"}, "action": "deny"},
       {"name": "d", "match": {"blocks": "TERM"}, "action": "log"},
       {"name": "e", "match": {"syscall": "rt_sigaction", "sig": "USR1"}, "action": "deny"}])")},
    {"log on memory before a deny it cannot overlap by signal", with_rules(R"([
       {"name": "a", "match": {"sig": "TERM", "handler": "ignore"}, "action": "log"},
       {"name": "b", "match": {"syscall": "action", "sig": "INT"}, "action": "deny"}])")},
    {"delivery rules", with_rules(R"([
       {"name": "a", "match": {"event": "delivery", "sender": ["outside", "kernel"],
        "sig": "TERM", "code": ["SI_USER", "SI_KERNEL"], "comm": "w*"}, "action": "deny"},
       {"name": "b", "match": {"event": "delivery"}, "action": "log"},
       {"name": "c", "match": {"event": "syscall", "sig": "INT"}, "action": "log"}])",
                                  "deny")},
    {"comments", with_rules(R"([{"name": "r", "match": {}, "action": "log", "comment": "c"}])")},
    {"the example in DESIGN.md section 5", R"({
  "name": "ci-isolation",
  "description": "tests may signal each other, never the runner, pid 1 or everyone",
  "default": "allow",
  "record": "all",
  "rules": [
    {"name": "protect-supervisor", "match": {"target": ["supervisor"]}, "action": "deny", "errno": "EPERM"},
    {"name": "no-broadcast", "match": {"target": ["all", "outside", "init"]}, "action": "deny"},
    {"name": "watch-ignored-term", "match": {"syscall": ["rt_sigaction"], "sig": ["SIGTERM"], "handler": "ignore"}, "action": "log"}
  ]
})"},
    {"unicode names", R"({"name": "politique \u00e9t\u00e9", "default": "allow",
       "rules": [{"name": "r\u00e8gle", "match": {}, "action": "log"}]})"},
};

INSTANTIATE_TEST_SUITE_P(Accepted, PolicyGood, ::testing::ValuesIn(kGood),
                         sigvisor::test::CaseName());

TEST(PolicyHash, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundary (55, 56, 64 bytes).
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(PolicyHash, IsTheHashOfTheText) {
  std::string text = R"({"name": "a", "default": "allow"})";
  auto p = Policy::load_string(text, "a.json");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->hash(), sha256_hex(text));
  EXPECT_EQ(p->name(), "a");
  EXPECT_EQ(Policy::trace_all().hash(), "builtin");
}

TEST(PolicyFile, ReadsAFile) {
  char path[] = "/tmp/sigvisor-policy-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = R"({"name": "f", "description": "d", "default": "log", "record": "denied"})";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  auto p = Policy::load_file(path);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->name(), "f");
  EXPECT_EQ(p->description(), "d");
  EXPECT_EQ(p->hash(), sha256_hex(text));
  EXPECT_EQ(p->record(), Record::denied);
  unlink(path);
}

TEST(PolicyFile, ErrorsNameTheFile) {
  auto missing = Policy::load_file("/nonexistent/p.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "/nonexistent/p.json: cannot read: No such file or directory");

  char path[] = "/tmp/sigvisor-policy-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto empty = Policy::load_file(path);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, std::string(path) + ": empty file");
  unlink(path);

  auto dir = Policy::load_file("/tmp");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().message, "/tmp: cannot read: Is a directory");
}

TEST(PolicyRecord, DeniedRecordsOnlyWhatIsNotAllowed) {
  auto all = Policy::trace_all();
  auto denied =
      Policy::load_string(R"({"name": "a", "default": "allow", "record": "denied"})", "a");
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(all.record(), Record::all);
  EXPECT_EQ(record_name(denied->record()), "denied");
  for (Action a : {Action::allow, Action::log, Action::deny, Action::kill, Action::abort}) {
    Decision d{a, 0, {}, false};
    EXPECT_TRUE(all.records(d)) << action_name(a);
    EXPECT_EQ(denied->records(d), a != Action::allow) << action_name(a);
  }
}

TEST(PolicyTerminal, SharedUnlessTheFileAsksForARelay) {
  EXPECT_EQ(Policy::trace_all().terminal(), TerminalMode::shared);
  auto plain = Policy::load_string(R"({"name": "a", "default": "allow"})", "a.json");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->terminal(), TerminalMode::shared);
  auto shared =
      Policy::load_string(R"({"name": "a", "default": "allow", "terminal": "shared"})", "a.json");
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->terminal(), TerminalMode::shared);
  auto relay =
      Policy::load_string(R"({"name": "a", "default": "allow", "terminal": "relay"})", "a.json");
  ASSERT_TRUE(relay.ok());
  EXPECT_EQ(relay->terminal(), TerminalMode::relay);
}

TEST(PolicyNames, ActionNames) {
  EXPECT_EQ(action_name(Action::allow), "allow");
  EXPECT_EQ(action_name(Action::log), "log");
  EXPECT_EQ(action_name(Action::deny), "deny");
  EXPECT_EQ(action_name(Action::kill), "kill");
  EXPECT_EQ(action_name(Action::abort), "abort");
}

TEST(PolicyRobustness, DeepNestingIsAnErrorNotACrash) {
  // nlohmann copies values recursively when an ordered object grows: depth is capped first.
  std::string deep = std::string(20000, '[') + std::string(20000, ']');
  auto r = Policy::load_string(deep, "deep.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "deep.json: line 1, column 33: nested more than 32 levels deep");
  std::string in_rule =
      with_rules("[{\"name\": \"r\", \"match\": {\"sig\": " + std::string(5000, '[') +
                 std::string(5000, ']') + "}, \"action\": \"deny\"}]");
  auto r2 = Policy::load_string(in_rule, "deep.json");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message, "deep.json: line 1, column 104: nested more than 32 levels deep");
  // Brackets inside strings do not count; 32 levels are fine for the parser.
  auto r3 = Policy::load_string(
      with_rules(R"([{"name": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"", "match": {"sig": )" +
                 std::string(28, '[') + std::string(28, ']') + "}, \"action\": \"deny\"}]"),
      "deep.json");
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().message,
            "deep.json: rules[0].match.sig[0]: expected a string or a number, got array");
}

}  // namespace
}  // namespace sigvisor
