// The shipped policies (policies/*.json) and docs/policy.schema.json: every shipped policy
// loads and validates against the schema, the schema agrees with the C++ tables and refuses
// what the loader refuses, and each shipped policy decides what its description promises.
// Also: the matcher does not allocate (checked with the sanitizer allocator's hooks).
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/wait.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "model/scope.h"
#include "names/syscall_table.h"
#include "policy/policy.h"

#ifndef SIGVISOR_SOURCE_DIR
#error "SIGVISOR_SOURCE_DIR must name the source tree"
#endif

namespace sigvisor {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = SIGVISOR_SOURCE_DIR;
const fs::path kSchema = kSource / "docs" / "policy.schema.json";
const fs::path kScript = kSource / "tests" / "unit" / "validate_policies.py";
constexpr const char* kPython = "/usr/bin/python3";

std::vector<fs::path> shipped_policies() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kSource / "policies")) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Exit status of validate_policies.py on `files` (77: jsonschema missing); `quiet` hides the
// messages of files expected to be invalid.
int run_validator(const std::vector<fs::path>& files, bool quiet = false) {
  std::string cmd = std::string(kPython) + " " + shell_quote(kScript) + " " + shell_quote(kSchema);
  for (const auto& f : files) cmd += " " + shell_quote(f);
  if (quiet) cmd += " >/dev/null";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_jsonschema() {
  std::string cmd = std::string(kPython) + " -c 'import jsonschema' >/dev/null 2>&1";
  return access(kPython, X_OK) == 0 && std::system(cmd.c_str()) == 0;
}

TEST(ShippedPolicies, TheThreeAreThere) {
  std::set<std::string> names;
  for (const auto& p : shipped_policies()) names.insert(p.filename());
  EXPECT_TRUE(names.count("trace.json"));
  EXPECT_TRUE(names.count("ci-isolation.json"));
  EXPECT_TRUE(names.count("untrusted.json"));
}

TEST(ShippedPolicies, EveryOneLoads) {
  for (const auto& path : shipped_policies()) {
    auto p = Policy::load_file(path);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->name(), path.stem().string()) << "a policy's name is its file name";
    EXPECT_FALSE(p->description().empty()) << path;
    EXPECT_EQ(p->hash().size(), 64u) << path;
  }
}

TEST(ShippedPolicies, EveryOneValidatesAgainstTheSchema) {
  if (!have_jsonschema())
    GTEST_SKIP() << kPython << " lacks the jsonschema module (python3-jsonschema)";
  auto files = shipped_policies();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(run_validator(files), 0);
}

// The schema must refuse what the loader refuses (where a schema can say it).
TEST(PolicySchema, RefusesBadPolicies) {
  if (!have_jsonschema())
    GTEST_SKIP() << kPython << " lacks the jsonschema module (python3-jsonschema)";
  const std::vector<std::string> bad = {
      R"({"default": "allow"})",
      R"({"name": "a", "default": "permit"})",
      R"({"name": "a", "default": "allow", "colour": 1})",
      R"({"name": "a", "default": "allow", "default_errno": "EPERM"})",
      R"({"name": "a", "default": "allow", "record": "some"})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"colour": 1}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"syscall": "fork"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"sig": "sigterm"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"sig": 65}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"sig": []}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"target": "kernel"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {}, "action": "allow", "errno": "EPERM"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"code": "SI_QUEUE"}, "action": "allow"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"event": "delivery"}, "action": "kill"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"event": "delivery", "target": "self"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"sender": "self"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"handler": "SIG_IGN"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {}}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"command": "TIOCFOO"}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"command": []}, "action": "deny"}]})",
      R"({"name": "a", "default": "allow", "rules": [{"name": "r", "match": {"event": "delivery", "command": "TIOCSTI"}, "action": "deny"}]})",
  };
  char dir[] = "/tmp/sigvisor-schema-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    fs::path f = fs::path(dir) / ("bad" + std::to_string(i) + ".json");
    std::ofstream(f) << bad[i];
    EXPECT_FALSE(Policy::load_file(f).ok()) << bad[i];
    EXPECT_EQ(run_validator({f}, true), 1) << bad[i];
  }
  fs::remove_all(dir);
}

TEST(PolicySchema, EnumsAgreeWithTheTables) {
  std::ifstream in(kSchema);
  ASSERT_TRUE(in) << kSchema;
  auto schema = nlohmann::json::parse(in);
  const auto& defs = schema.at("$defs");

  std::set<std::string> syscalls;
  for (std::size_t i = 0; i < kSysCount; ++i)
    syscalls.insert(std::string(spec(static_cast<Sys>(i)).name));
  // Every family but `other` (rt_sigreturn's, which policies name by syscall).
  for (auto i = 0; i < static_cast<int>(Family::other); ++i) {
    syscalls.insert(std::string(family_name(static_cast<Family>(i))));
  }
  EXPECT_EQ(defs.at("syscall").at("enum").get<std::set<std::string>>(), syscalls);

  std::set<std::string> commands;
  for (const IndirectCommand& c : indirect_commands()) commands.insert(std::string(c.name));
  EXPECT_EQ(defs.at("command").at("enum").get<std::set<std::string>>(), commands);

  std::set<std::string> scopes;
  for (std::size_t i = 0; i < kScopeCount; ++i)
    scopes.insert(std::string(scope_name(static_cast<Scope>(i))));
  std::set<std::string> sender_scopes = scopes;
  sender_scopes.erase("invalid");  // a delivered signal had a sender
  EXPECT_EQ(defs.at("senderScope").at("enum").get<std::set<std::string>>(), sender_scopes);
  scopes.erase("kernel");
  EXPECT_EQ(defs.at("scope").at("enum").get<std::set<std::string>>(), scopes);

  std::set<std::string> actions;
  for (Action a : {Action::allow, Action::log, Action::deny, Action::kill, Action::abort}) {
    actions.insert(std::string(action_name(a)));
  }
  EXPECT_EQ(defs.at("action").at("enum").get<std::set<std::string>>(), actions);
}

// What the shipped policies promise, decided on hand-built calls.
Decision send(const Policy& p, Scope scope, int sig = SIGTERM) {
  static CallData call;  // kill(pid, sig)
  call = CallData{};
  call.sys = Sys::kill;
  call.regs = {4300, static_cast<uint64_t>(sig)};
  Target t;
  t.scope = scope;
  CallContext ctx;
  ctx.call = &call;
  ctx.comm = "test";
  ctx.target = &t;
  return p.decide(ctx);
}

Policy shipped(const char* name) {
  auto p = Policy::load_file(kSource / "policies" / name);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(*p) : Policy::trace_all();
}

TEST(ShippedPolicies, TraceIsTheBuiltinDefault) {
  Policy file = shipped("trace.json");
  Policy builtin = Policy::trace_all();
  EXPECT_EQ(file.name(), builtin.name());
  EXPECT_EQ(file.record(), builtin.record());
  for (std::size_t i = 0; i < kScopeCount - 1; ++i) {
    Decision a = send(file, static_cast<Scope>(i), SIGKILL);
    Decision b = send(builtin, static_cast<Scope>(i), SIGKILL);
    EXPECT_EQ(a.action, Action::allow);
    EXPECT_EQ(b.action, Action::allow);
    EXPECT_EQ(a.rule, b.rule);
  }
}

TEST(ShippedPolicies, CiIsolation) {
  Policy p = shipped("ci-isolation.json");
  for (Scope s : {Scope::self, Scope::thread, Scope::child, Scope::sandbox, Scope::group}) {
    EXPECT_EQ(send(p, s).action, Action::allow) << scope_name(s);
  }
  for (Scope s : {Scope::supervisor, Scope::init, Scope::all, Scope::outside}) {
    Decision d = send(p, s);
    EXPECT_EQ(d.action, Action::deny) << scope_name(s);
    EXPECT_EQ(d.err, EPERM) << scope_name(s);
    EXPECT_FALSE(d.rule.empty()) << scope_name(s);
  }
}

// ci-isolation's decisions on targets, recording only refusals, and no rule on any call
// without a target: the filter leaves every such call in the kernel (filter_plan.h).
TEST(ShippedPolicies, CiDenials) {
  Policy p = shipped("ci-denials.json");
  Policy isolation = shipped("ci-isolation.json");
  EXPECT_EQ(p.record(), Record::denied);
  for (std::size_t i = 0; i < kScopeCount; ++i) {
    const auto s = static_cast<Scope>(i);
    Decision d = send(p, s), want = send(isolation, s);
    EXPECT_EQ(d.action, want.action) << scope_name(s);
    EXPECT_EQ(d.err, want.err) << scope_name(s);
    EXPECT_EQ(d.rule, want.rule) << scope_name(s);
  }
  const CallActions a = p.call_actions();
  EXPECT_TRUE(a.may_log.none());
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    if (!has_target(s.family)) EXPECT_FALSE(a.may_refuse.test(i)) << s.name;
  }
  EXPECT_TRUE(a.may_refuse.test(static_cast<std::size_t>(Sys::kill)));
}

TEST(ShippedPolicies, Untrusted) {
  Policy p = shipped("untrusted.json");
  for (Scope s : {Scope::self, Scope::thread, Scope::child}) {
    EXPECT_EQ(send(p, s, SIGKILL).action, Action::allow) << scope_name(s);
  }
  for (Scope s :
       {Scope::sandbox, Scope::outside, Scope::supervisor, Scope::init, Scope::group, Scope::all}) {
    EXPECT_EQ(send(p, s, 0).action, Action::abort) << scope_name(s);
  }
  // A hostile program never holds the user's terminal (TIOCSTI into the user's shell).
  EXPECT_EQ(p.terminal(), TerminalMode::relay);
  EXPECT_EQ(shipped("trace.json").terminal(), TerminalMode::shared);
  EXPECT_EQ(shipped("ci-isolation.json").terminal(), TerminalMode::shared);
}

}  // namespace
}  // namespace sigvisor
