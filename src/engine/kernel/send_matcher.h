// The kernel engine's memory of signals sent to the tree (signal_generate records), until
// the delivery that takes each (signal_deliver) or the death a SIGKILL causes asks for it:
// the true sender of every delivery, read in the kernel at the moment of the send. Sends go
// to the thread's queue (tkill, tgkill, faults) or the process's (kill, sigqueue), and are
// taken as the kernel dequeues them: the thread's own first, oldest first. Bounded.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "events/event.h"

namespace sigvisor {

struct KernelSend {
  ProcRef sender;  // the sending thread (current at signal_generate)
  uint32_t sender_uid = 0;
  bool sender_member = false;  // a member of the tree when it sent
  pid_t target_tid = 0;
  pid_t target_tgid = 0;
  int sig = 0;
  int code = 0;
  bool group = false;
  bool info_ok = false;
  std::array<uint8_t, 128> info{};
};

class SendMatcher {
 public:
  // A send the kernel queued (signal_generate's result: delivered or without its info).
  void sent(const KernelSend& s);
  // The send a delivery of `sig` to thread `tid` of `tgid` comes from.
  std::optional<KernelSend> take(pid_t tid, pid_t tgid, int sig);
  // The send of a fatal `sig` that ended process `tgid` (to it or to any of its threads):
  // the kernel turns it into a group exit at once, so no thread dequeues it to deliver.
  std::optional<KernelSend> take_fatal(pid_t tgid, int sig);
  // The SIGKILL that ended process `tgid` (to it or to any of its threads).
  std::optional<KernelSend> take_sigkill(pid_t tgid);
  // Process `tgid` is gone: its sends can never be taken.
  void forget(pid_t tgid);
  std::size_t size() const { return size_; }

  static constexpr std::size_t kMaxPerKey = 64;
  static constexpr std::size_t kMaxSends = 8192;

 private:
  using Key = std::pair<pid_t, int>;  // (thread or process id, signal)
  std::optional<KernelSend> pop(std::map<Key, std::deque<KernelSend>>& q, Key k);
  void push(std::map<Key, std::deque<KernelSend>>& q, Key k, const KernelSend& s);

  std::map<Key, std::deque<KernelSend>> thread_;  // by (target tid, sig)
  std::map<Key, std::deque<KernelSend>> group_;   // by (target tgid, sig)
  std::map<pid_t, KernelSend> sigkills_;          // by target tgid: the first one
  std::size_t size_ = 0;
};

}  // namespace sigvisor
