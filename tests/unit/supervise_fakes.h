// Fakes of the supervisor's kernel edges (KernelView, CallPort, TreeControl) and a run
// state around a real table, policy and sink, for unit tests of the pipeline and of
// sender attribution without a kernel.
#pragma once

#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "calls/call_decision.h"
#include "calls/call_pipeline.h"
#include "policy/policy.h"
#include "run/run_state.h"

namespace sigvisor::test {

class FakeKernel final : public KernelView {
 public:
  // Pointer arguments read as `fill` bytes (ok) unless `unreadable`.
  bool unreadable = false;
  uint8_t fill = 0;
  pid_t fd_pid = -1;                                 // what fd_target() answers
  std::map<pid_t, TaskInfo> proc;                    // what /proc knows
  std::map<pid_t, std::pair<Comm, double>> outside;  // name and start time
  int task_lookups = 0;

  void read_in(pid_t, CallData& call) override { read(call, is_in_pointer); }
  void read_out(pid_t, CallData& call) override { read(call, is_out_pointer); }
  bool read_memory(pid_t, uint64_t, void* buf, std::size_t size) override {
    if (unreadable) return false;
    std::memset(buf, fill, size);
    return true;
  }
  pid_t fd_target(pid_t, const CallData&) override { return fd_pid; }
  std::optional<TaskInfo> task(pid_t tid) override {
    ++task_lookups;
    auto it = proc.find(tid);
    if (it == proc.end()) return std::nullopt;
    return it->second;
  }
  std::optional<Comm> comm_if_started_before(pid_t pid, double t) override {
    auto it = outside.find(pid);
    if (it == outside.end() || it->second.second > t) return std::nullopt;
    return it->second.first;
  }
  ExecFacts exec_facts(pid_t) override { return {}; }
  double boottime_now() override { return 100.0; }
  KernelFeatures kernel{};  // what features() answers (default: every feature present)
  KernelFeatures features() override { return kernel; }

 private:
  void read(CallData& call, bool (*want)(Arg)) {
    const SyscallSpec& s = spec(call.sys);
    for (int i = 0; i < s.nargs; ++i) {
      const Arg kind = arg_kind(s, call.regs, i);
      if (!want(kind) || call.regs[i] == 0) continue;
      UserBuffer& b = call.mem[i];
      b.addr = call.regs[i];
      b.size = static_cast<uint16_t>(pointee_size(kind, call.regs, s));
      b.read = true;
      b.ok = read_memory(0, b.addr, b.bytes.data(), b.size);
    }
  }
};

// Remembers what happened, in order: "pending?", "answer allow", "answer refuse EPERM".
class FakePort final : public CallPort {
 public:
  explicit FakePort(const EventSink& sink) : sink_(sink) {}
  bool pending = true;
  std::vector<std::string> log;
  uint64_t recorded_at_answer = 0;

  bool still_pending() override {
    log.push_back("pending?");
    return pending;
  }
  bool answer(const Decision& d) override {
    recorded_at_answer = sink_.recorded();
    log.push_back(is_refusal(d.action) ? "refuse " + std::to_string(d.err) : "allow");
    return pending;
  }

 private:
  const EventSink& sink_;
};

class FakeTree final : public TreeControl {
 public:
  std::vector<pid_t> killed;
  int ended = 0;
  std::vector<int> to_program;  // signals passed on to the program (-N: to its group)
  std::vector<int> to_tree;     // signals sent to the whole tree
  bool program_alive = true;
  void kill_process(pid_t tgid) override { killed.push_back(tgid); }
  bool forward(int sig, bool to_group) override {
    to_program.push_back(to_group ? -sig : sig);
    return program_alive;
  }
  bool forward_to_rest_of_group(int sig) override {
    to_program.push_back(-sig);
    return program_alive;
  }
  std::size_t signal_tree(int sig) override {
    to_tree.push_back(sig);
    return 3;
  }
  std::size_t end_tree() override { return static_cast<std::size_t>(++ended); }
};

// A run around a real table (root 1000 ── child 1001), a policy and a sink whose events
// are collected by its observer.
struct FakeRun {
  static constexpr pid_t kSupervisor = 500;
  explicit FakeRun(const Policy& p, std::bitset<kSysCount> printed = std::bitset<kSysCount>().set())
      : table(Outside{kSupervisor, 499}),
        sink(config()),
        diag(nullptr, false),
        sv(RunParts{table, p, sink, kernel, tree, diag}, printed, 1000) {
    table.add({1000, 1000, 0, make_comm("root")});
    table.add({1001, 1001, 1000, make_comm("child")});
  }
  // Closes the sink: every event recorded so far is in `events`.
  const std::vector<Event>& drain() {
    sink.close();
    return events;
  }

  std::vector<Event> events;
  ProcessTable table;
  EventSink sink;
  FakeKernel kernel;
  FakeTree tree;
  Diagnostics diag;
  RunState sv;

 private:
  SinkConfig config() {
    SinkConfig c;
    c.observer = [this](const Event& e) { events.push_back(e); };
    return c;
  }
};

inline Policy policy_of(const std::string& json) {
  auto p = Policy::load_string(json, "test.json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return Policy::trace_all();
  return std::move(*p);
}

}  // namespace sigvisor::test
