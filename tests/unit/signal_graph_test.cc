// SignalGraph: tables of event streams → the exact DOT they produce.
#include "events/signal_graph.h"

#include <gtest/gtest.h>

#include <csignal>
#include <ostream>
#include <string>
#include <vector>

#include "case_name.h"

namespace sigvisor {
namespace {

ProcRef proc(pid_t pid, const char* comm) {
  return ProcRef{pid, pid, make_comm(comm)};
}

Event kill_call(pid_t from, const char* comm, int64_t to, Scope scope, int sig,
                Action action = Action::allow, const char* target_comm = "t") {
  SyscallEvent ev;
  ev.caller = proc(from, comm);
  ev.call.sys = Sys::kill;
  ev.call.regs[0] = static_cast<uint64_t>(to);
  ev.call.regs[1] = static_cast<uint64_t>(sig);
  Target t;
  t.pid = to;
  t.scope = scope;
  t.exists = true;
  t.comm = make_comm(target_comm);
  ev.target = t;
  ev.action = action;
  return Event{0, 0, 1, ev};
}

Event delivery(pid_t to, const char* comm, int sig, Scope scope, std::optional<ProcRef> sender,
               bool suppressed = false) {
  SignalEvent ev;
  ev.task = proc(to, comm);
  ev.sig = sig;
  ev.sender_scope = scope;
  ev.sender = sender;
  ev.sender_known = sender.has_value();
  ev.suppressed = suppressed;
  return Event{0, 0, 1, ev};
}

Event exec_of(pid_t pid, const char* comm) {
  ExecEvent ev;
  ev.task = proc(pid, comm);
  return Event{0, 0, 1, ev};
}

constexpr const char* kHead = "digraph signals {\n  rankdir=LR;\n  node [shape=box];\n";

struct GraphCase {
  const char* name;
  std::vector<Event> events;
  std::string body;  // between the header and the closing brace
};
// ctest lists the case by name, not as a byte dump of the struct.
void PrintTo(const GraphCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<GraphCase> cases() {
  return {
      {"empty", {}, ""},
      {"one_send_counted_twice",
       {kill_call(10, "a", 11, Scope::child, SIGTERM, Action::allow, "b"),
        kill_call(10, "a", 11, Scope::child, SIGTERM, Action::allow, "b")},
       "  p10 [label=\"a(10)\"];\n  p11 [label=\"b(11)\"];\n"
       "  p10 -> p11 [label=\"SIGTERM x2\"];\n"},
      {"denied_send_is_dashed_red",
       {kill_call(10, "a", 11, Scope::sandbox, SIGKILL, Action::deny, "b")},
       "  p10 [label=\"a(10)\"];\n  p11 [label=\"b(11)\"];\n"
       "  p10 -> p11 [label=\"SIGKILL x1 denied\", style=dashed, color=red, fontcolor=red];\n"},
      {"allowed_and_denied_are_separate_edges",
       {kill_call(10, "a", 11, Scope::sandbox, SIGINT, Action::allow, "b"),
        kill_call(10, "a", 11, Scope::sandbox, SIGINT, Action::log, "b"),
        kill_call(10, "a", 11, Scope::sandbox, SIGINT, Action::kill, "b")},
       "  p10 [label=\"a(10)\"];\n  p11 [label=\"b(11)\"];\n"
       "  p10 -> p11 [label=\"SIGINT x2\"];\n"
       "  p10 -> p11 [label=\"SIGINT x1 denied\", style=dashed, color=red, fontcolor=red];\n"},
      {"probe_signal_zero_draws_no_edge",
       {kill_call(10, "a", 11, Scope::sandbox, 0, Action::allow, "b")},
       "  p10 [label=\"a(10)\"];\n"},
      {"sandbox_delivery_adds_no_edge",
       {delivery(11, "b", SIGTERM, Scope::sandbox, proc(10, "a"))},
       "  p11 [label=\"b(11)\"];\n"},
      {"kernel_and_outside_senders_are_their_own_nodes",
       {delivery(11, "b", SIGCHLD, Scope::kernel, std::nullopt),
        delivery(11, "b", SIGUSR1, Scope::outside, proc(500, "kill")),
        delivery(11, "b", SIGINT, Scope::outside, proc(501, "bash"), true),
        delivery(11, "b", SIGUSR2, Scope::outside, std::nullopt)},
       "  kernel [label=\"kernel\", style=dashed];\n"
       "  o500 [label=\"kill(500)\", style=dashed];\n"
       "  o501 [label=\"bash(501)\", style=dashed];\n"
       "  p11 [label=\"b(11)\"];\n"
       "  unknown [label=\"unknown sender\", style=dashed];\n"
       "  kernel -> p11 [label=\"SIGCHLD x1\"];\n"
       "  o500 -> p11 [label=\"SIGUSR1 x1\"];\n"
       "  o501 -> p11 [label=\"SIGINT x1 denied\", style=dashed, color=red, fontcolor=red];\n"
       "  unknown -> p11 [label=\"SIGUSR2 x1\"];\n"},
      {"groups_everyone_and_outside_targets",
       {kill_call(10, "a", -42, Scope::group, SIGHUP), kill_call(10, "a", 0, Scope::group, SIGHUP),
        kill_call(10, "a", -1, Scope::all, SIGTERM, Action::deny),
        kill_call(10, "a", 777, Scope::outside, SIGUSR1, Action::allow, "daemon")},
       "  all [label=\"every process\", style=dashed];\n"
       "  g42 [label=\"process group 42\", style=dashed];\n"
       "  g_of_p10 [label=\"process group of a(10)\", style=dashed];\n"
       "  o777 [label=\"daemon(777)\", style=dashed];\n"
       "  p10 [label=\"a(10)\"];\n"
       "  p10 -> all [label=\"SIGTERM x1 denied\", style=dashed, color=red, fontcolor=red];\n"
       "  p10 -> g42 [label=\"SIGHUP x1\"];\n"
       "  p10 -> g_of_p10 [label=\"SIGHUP x1\"];\n"
       "  p10 -> o777 [label=\"SIGUSR1 x1\"];\n"},
      {"exec_renames_the_node",
       {kill_call(10, "sh", 11, Scope::child, SIGTERM, Action::allow, "sh"), exec_of(11, "sleep")},
       "  p10 [label=\"sh(10)\"];\n  p11 [label=\"sleep(11)\"];\n"
       "  p10 -> p11 [label=\"SIGTERM x1\"];\n"},
  };
}

class SignalGraphTest : public ::testing::TestWithParam<GraphCase> {};

TEST_P(SignalGraphTest, EventsGiveExactDot) {
  SignalGraph g;
  for (const Event& e : GetParam().events) g.observe(e);
  EXPECT_EQ(g.dot(), std::string(kHead) + GetParam().body + "}\n");
}

INSTANTIATE_TEST_SUITE_P(Table, SignalGraphTest, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace sigvisor
