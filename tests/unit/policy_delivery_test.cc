// Policy matching of delivery rules ("event": "delivery"): sender scope, signal, si_code
// (its meaning depends on the signal) and the receiver's name, as the delivery stop asks.
#include <gtest/gtest.h>

#include <csignal>
#include <ostream>
#include <string>

#include "case_name.h"
#include "policy/policy.h"

namespace sigvisor {
namespace {

constexpr Action A = Action::allow, L = Action::log, D = Action::deny;

Policy load(const std::string& json) {
  auto p = Policy::load_string(json, "test.json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return Policy::trace_all();
  return std::move(*p);
}

struct DeliveryCase {
  const char* what;
  std::string policy;
  int sig;
  int code;
  Scope sender;
  std::string comm;
  Action action;
  std::string rule;
};
// ctest lists the case by name, not as a byte dump of the struct.
void PrintTo(const DeliveryCase& c, std::ostream* os) {
  *os << c.what;
}

class PolicyDelivery : public ::testing::TestWithParam<DeliveryCase> {};

TEST_P(PolicyDelivery, Decides) {
  const DeliveryCase& c = GetParam();
  Policy p = load(c.policy);
  DeliveryContext ctx;
  ctx.sig = c.sig;
  ctx.code = c.code;
  ctx.sender_scope = c.sender;
  ctx.receiver_pid = 4243;
  ctx.receiver_comm = c.comm;
  ctx.receiver_exe = "/usr/bin/" + c.comm;
  Decision d = p.decide_delivery(ctx);
  EXPECT_EQ(action_name(d.action), action_name(c.action)) << c.what;
  EXPECT_EQ(d.rule, c.rule) << c.what;
  EXPECT_EQ(d.err, 0) << c.what;
  EXPECT_FALSE(d.racy) << c.what;
}

const std::string kDeliveryPolicy = R"({"name": "p", "default": "deny", "rules": [
  {"name": "everything-else-denied", "match": {}, "action": "deny"},
  {"name": "no-outside-term", "match": {"event": "delivery", "sender": ["outside", "supervisor"],
   "sig": ["TERM", "INT"]}, "action": "deny"},
  {"name": "watch-segv", "match": {"event": "delivery", "sender": "kernel", "sig": "SEGV",
   "code": "SEGV_MAPERR"}, "action": "log"},
  {"name": "queued-to-workers", "match": {"event": "delivery", "code": [-1], "comm": "worker-*"},
   "action": "log"}
]})";

const DeliveryCase kDelivery[] = {
    {"sender and sig", kDeliveryPolicy, SIGTERM, SI_USER, Scope::outside, "t", D,
     "no-outside-term"},
    {"other sender", kDeliveryPolicy, SIGTERM, SI_USER, Scope::sandbox, "t", A, ""},
    {"other sig", kDeliveryPolicy, SIGHUP, SI_USER, Scope::outside, "t", A, ""},
    {"kernel code for its signal", kDeliveryPolicy, SIGSEGV, 1, Scope::kernel, "t", L,
     "watch-segv"},
    {"same code number, other meaning", kDeliveryPolicy, SIGSEGV, 2, Scope::kernel, "t", A, ""},
    {"code and receiver comm", kDeliveryPolicy, SIGUSR1, SI_QUEUE, Scope::sandbox, "worker-3", L,
     "queued-to-workers"},
    {"receiver comm miss", kDeliveryPolicy, SIGUSR1, SI_QUEUE, Scope::sandbox, "main", A, ""},
    {"syscall rules and the default do not apply", kDeliveryPolicy, SIGCHLD, 1, Scope::kernel, "t",
     A, ""},
};

INSTANTIATE_TEST_SUITE_P(Rules, PolicyDelivery, ::testing::ValuesIn(kDelivery),
                         sigvisor::test::CaseName());

}  // namespace
}  // namespace sigvisor
