// One JSON object per event. Fields that apply to an event kind are always present
// (null when unknown) so that consumers can rely on the shape.
#include "events/event_json.h"

#include <sys/wait.h>

#include "decode/decode.h"
#include "kernel/syscall_arch.h"
#include "names/signal_names.h"

namespace sigvisor {
namespace {

using nlohmann::json;

json nullable_comm(const Comm& c) {
  auto v = comm_view(c);
  return v.empty() ? json(nullptr) : json(std::string(v));
}

json target_json(const Target& t) {
  json j = {{"pid", t.pid},
            {"comm", nullable_comm(t.comm)},
            {"scope", scope_name(t.scope)},
            {"exists", t.exists}};
  if (t.tid != 0) j["tid"] = t.tid;
  return j;
}

json wait_status_json(int st) {
  if (WIFSIGNALED(st)) {
    return {{"signal", signal_name(WTERMSIG(st))}, {"core", static_cast<bool>(WCOREDUMP(st))}};
  }
  return {{"code", WEXITSTATUS(st)}};
}

void syscall_json(const SyscallEvent& ev, json& j) {
  j["pid"] = ev.caller.pid;
  j["tid"] = ev.caller.tid;
  j["comm"] = nullable_comm(ev.caller.comm);
  j["syscall"] = spec(ev.call.sys).name;
  // Only for calls made through another ABI than the native one (i386 `int 0x80`).
  if (ev.call.arch != 0 && ev.call.arch != ArchMap::native_arch()) {
    j["arch"] = ArchMap::arch_name(ev.call.arch);
  }
  j["args"] = args_json(ev.call);
  j["target"] = ev.target ? target_json(*ev.target) : json(nullptr);
  j["action"] = action_name(ev.action);
  j["rule"] = ev.rule.empty() ? json(nullptr) : json(std::string(ev.rule));
  if (ev.call.retval) {
    int64_t rv = *ev.call.retval;
    if (rv < 0 && rv >= -4095) {
      j["retval"] = -1;
      auto name = errno_name(static_cast<int>(-rv));
      j["errno"] = name ? json(std::string(*name)) : json(-rv);
    } else {
      j["retval"] = rv;
      j["errno"] = nullptr;
    }
  } else {
    j["retval"] = nullptr;
    j["errno"] = nullptr;
  }
  j["racy"] = ev.racy;
  if (ev.unfinished) j["unfinished"] = true;
}

// The shape of a syscall event, with what is known of a call not decoded: its raw
// argument registers.
void foreign_call_json(const ForeignCallEvent& ev, json& j) {
  j["pid"] = ev.caller.pid;
  j["tid"] = ev.caller.tid;
  j["comm"] = nullable_comm(ev.caller.comm);
  j["syscall"] = ev.name;
  j["arch"] = ev.abi;
  j["nr"] = ev.nr;
  j["args"] = {{"regs", ev.regs}};  // not decoded: the six argument registers
  j["target"] = nullptr;
  j["action"] = action_name(Action::deny);
  j["rule"] = std::string(kForeignAbiRule);
  j["retval"] = -1;
  auto name = errno_name(ev.err);
  j["errno"] = name ? json(std::string(*name)) : json(ev.err);
  j["racy"] = false;
}

void signal_json(const SignalEvent& ev, json& j) {
  j["pid"] = ev.task.pid;
  j["tid"] = ev.task.tid;
  j["comm"] = nullable_comm(ev.task.comm);
  j["sig"] = signal_name(ev.sig);
  auto code = si_code_name(ev.sig, ev.code);
  j["code"] = code ? json(std::string(*code)) : json(ev.code);
  j["info"] = siginfo_json(ev.info.data());
  if (ev.sender) {
    j["sender"] = {{"pid", ev.sender->pid},
                   {"tid", ev.sender_tid_known ? json(ev.sender->tid) : json(nullptr)},
                   {"uid", ev.sender_uid ? json(*ev.sender_uid) : json(nullptr)},
                   {"comm", ev.sender_known ? nullable_comm(ev.sender->comm) : json(nullptr)},
                   {"scope", scope_name(ev.sender_scope)}};
  } else {
    j["sender"] = {{"pid", nullptr},
                   {"tid", nullptr},
                   {"uid", nullptr},
                   {"comm", nullptr},
                   {"scope", scope_name(ev.sender_scope)}};
  }
  j["forged"] = ev.forged;
  // Caller-written codes: what si_pid/si_uid claimed; checked against the intercepted call?
  j["claimed"] = ev.claimed ? json{{"pid", ev.claimed->first},
                                   {"uid", ev.claimed->second},
                                   {"checked", ev.claim_checked}}
                            : json(nullptr);
  j["result"] = ev.result.empty() ? json(nullptr) : json(std::string(ev.result));
  j["action"] = ev.suppressed ? "suppress" : "deliver";
  j["rule"] = ev.rule.empty() ? json(nullptr) : json(std::string(ev.rule));
}

// "kernel": {"release", "features": {key: bool, ...}, "notes": [...]}.
json kernel_json(const KernelRecord& k) {
  json features = json::object();
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    features[std::string(facts(feature_at(i)).key)] = k.features.missing[i].empty();
  }
  return {{"release", k.features.release}, {"features", features}, {"notes", k.notes}};
}

}  // namespace

json event_json(const Event& e) {
  json j;
  j["seq"] = e.seq;
  j["ts"] = e.ts;
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, SyscallEvent>) {
          j["event"] = "syscall";
          syscall_json(ev, j);
        } else if constexpr (std::is_same_v<T, ForeignCallEvent>) {
          j["event"] = "syscall";
          foreign_call_json(ev, j);
        } else if constexpr (std::is_same_v<T, SignalEvent>) {
          j["event"] = "signal";
          signal_json(ev, j);
        } else if constexpr (std::is_same_v<T, SpawnEvent>) {
          j["event"] = "spawn";
          j["pid"] = ev.parent.pid;
          j["tid"] = ev.parent.tid;
          j["comm"] = nullable_comm(ev.parent.comm);
          j["kind"] = ev.kind == SpawnKind::fork    ? "fork"
                      : ev.kind == SpawnKind::vfork ? "vfork"
                                                    : "clone";
          j["child"] = {{"pid", ev.child_pid}, {"tid", ev.child_tid}};
          j["thread"] = ev.thread;
        } else if constexpr (std::is_same_v<T, ExecEvent>) {
          j["event"] = "exec";
          j["pid"] = ev.task.pid;
          j["tid"] = ev.task.tid;
          j["comm"] = nullable_comm(ev.task.comm);
          j["path"] = ev.path;
          j["argv"] = ev.argv;
          if (!ev.note.empty()) j["note"] = ev.note;
        } else if constexpr (std::is_same_v<T, ExitEvent>) {
          j["event"] = "exit";
          j["pid"] = ev.task.pid;
          j["tid"] = ev.task.tid;
          j["comm"] = nullable_comm(ev.task.comm);
          j["thread"] = ev.thread;
          j["status"] = wait_status_json(ev.wait_status);
          j["killer"] =
              ev.killer ? json{{"pid", ev.killer->pid},
                               {"tid", ev.killer->tid},
                               {"comm", nullable_comm(ev.killer->comm)},
                               {"scope", scope_name(ev.killer_scope)},
                               {"source", ev.killer_source == KillerSource::kernel ? "kernel"
                                                                                   : "intercepted"}}
                        : json(nullptr);
        } else if constexpr (std::is_same_v<T, StopEvent>) {
          j["event"] = "stop";
          j["pid"] = ev.task.pid;
          j["tid"] = ev.task.tid;
          j["comm"] = nullable_comm(ev.task.comm);
          j["sig"] = signal_name(ev.sig);
        } else if constexpr (std::is_same_v<T, PolicyEvent>) {
          j["event"] = "policy";
          j["name"] = ev.name;
          j["hash"] = ev.hash;
          j["source"] = ev.source;
          j["kernel"] = kernel_json(ev.kernel);
        } else if constexpr (std::is_same_v<T, SummaryEvent>) {
          j["event"] = "summary";
          json rows = json::array();
          for (const auto& r : ev.rows) {
            rows.push_back({{"syscall", r.syscall},
                            {"calls", r.calls},
                            {"errors", r.errors},
                            {"denied", r.denied},
                            {"seconds", r.seconds}});
          }
          j["syscalls"] = rows;
          j["lost_notifications"] = ev.lost_notifications;
          j["dropped_records"] = ev.dropped_records;
          j["kernel_notes"] = ev.kernel_notes;
        } else if constexpr (std::is_same_v<T, EngineEvent>) {
          j["event"] = "engine";
          j["engine"] = ev.engine;
          j["reason"] = ev.reason;
        } else if constexpr (std::is_same_v<T, DroppedEvent>) {
          j["event"] = "dropped";
          j["count"] = ev.count;
          j["total"] = ev.total;
        }
      },
      e.body);
  return j;
}

}  // namespace sigvisor
