// See kernel_trace.h.
#include "engine/notify/ktrace/kernel_trace.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "base/diagnostics.h"
#include "engine/notify/ktrace/sender_naming.h"

namespace sigvisor {
namespace {

constexpr int kDrainPeriodMs = 100;

}  // namespace

Result<std::unique_ptr<KernelTrace>> KernelTrace::start(const ProcessTable& table,
                                                        const Diagnostics& diag) {
  auto inst = TracefsInstance::create(::getpid(), diag);
  if (!inst) return inst.error();
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop.valid()) return make_error("eventfd failed");
  return std::unique_ptr<KernelTrace>(
      new KernelTrace(std::move(*inst), std::move(stop), table, diag));
}

KernelTrace::KernelTrace(TracefsInstance instance, UniqueFd stop, const ProcessTable& table,
                         const Diagnostics& diag)
    : instance_(std::move(instance)), stop_(std::move(stop)), table_(table), diag_(diag) {
  reader_ = std::thread([this] { run(); });
}

KernelTrace::~KernelTrace() {
  const uint64_t one = 1;
  (void)::write(stop_.get(), &one, sizeof one);
  if (reader_.joinable()) reader_.join();
  const Stats s = stats();
  diag_.debug("kernel trace: %llu lines, %llu malformed, %llu lost, %llu evicted",
              static_cast<unsigned long long>(s.lines),
              static_cast<unsigned long long>(s.malformed), static_cast<unsigned long long>(s.lost),
              static_cast<unsigned long long>(s.evicted));
  // instance_'s destructor removes the instance.
}

void KernelTrace::run() {
  pollfd p{stop_.get(), POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, kDrainPeriodMs);
    if (n > 0) break;
    std::lock_guard lock(mu_);
    drain_locked();
  }
}

void KernelTrace::drain_locked() {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(instance_.pipe_fd(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: empty
    std::string_view chunk(buf, static_cast<std::size_t>(n));
    while (!chunk.empty()) {
      std::size_t nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        partial_.append(chunk);
        break;
      }
      if (partial_.empty()) {
        ingest_locked(chunk.substr(0, nl));
      } else {
        partial_.append(chunk.substr(0, nl));
        ingest_locked(partial_);
        partial_.clear();
      }
      chunk.remove_prefix(nl + 1);
    }
  }
}

void KernelTrace::ingest_locked(std::string_view line) {
  ++stats_.lines;
  auto rec = parse_trace_line(line);
  if (!rec) {
    ++stats_.malformed;
    diag_.debug("kernel trace: unparsed line (%s): %.*s", rec.error().message.c_str(),
                static_cast<int>(line.size()), line.data());
    return;
  }
  if (auto* lost = std::get_if<TraceLost>(&*rec)) {
    stats_.lost += lost->events;
    diag_.debug("kernel trace: the ring buffer lost %llu events",
                static_cast<unsigned long long>(lost->events));
    return;
  }
  const TraceSend& s = std::get<TraceSend>(*rec);
  if (!queues_signal(s.result)) return;
  // The target's thread group, while the table still has it (a SIGKILL to a non-leader
  // thread is asked for by its group's id when the leader dies).
  // Sends to tasks the table does not know (almost all: every signal of the machine is
  // traced) go to a small store of their own, so that a busy machine cannot evict the
  // tree's sends; it still catches a send to a new child whose fork event is not handled.
  if (auto t = table_.find(s.target)) {
    store_.add(s, t->tgid);
  } else {
    strangers_.add(s, 0);
  }
}

WitnessedSend KernelTrace::witnessed(const TraceSend& s) const {
  // The line's tgid and name come from caches the kernel fills lazily: checked against
  // the table and /proc (sender_naming.h).
  const NamedSender n = name_sender(s, table_.find(s.sender_tid), read_task_from_proc);
  if (n.corrected) {
    diag_.debug("kernel trace: sender %d is %d (%s), not %d (%s) as the trace's caches said",
                static_cast<int>(s.sender_tid), static_cast<int>(n.send.sender.pid),
                comm_view(n.send.sender.comm).data(), static_cast<int>(s.sender_tgid),
                comm_view(s.sender_comm).data());
  }
  return n.send;
}

std::optional<WitnessedSend> KernelTrace::take_delivery(pid_t tid, pid_t tgid, int sig, int code) {
  std::lock_guard lock(mu_);
  drain_locked();
  auto s = store_.take_delivery(tid, tgid, sig, code);
  if (!s) s = strangers_.take_delivery(tid, tgid, sig, code);
  if (!s) return std::nullopt;
  return witnessed(*s);
}

void KernelTrace::drop_delivery(pid_t tid, pid_t tgid, int sig, int code) {
  std::lock_guard lock(mu_);
  drain_locked();
  if (!store_.take_delivery(tid, tgid, sig, code))
    (void)strangers_.take_delivery(tid, tgid, sig, code);
}

std::optional<WitnessedSend> KernelTrace::take_sigkill(pid_t tgid) {
  std::lock_guard lock(mu_);
  drain_locked();
  auto s = store_.take_sigkill(tgid);
  if (!s) s = strangers_.take_sigkill(tgid);
  if (!s) return std::nullopt;
  return witnessed(*s);
}

void KernelTrace::forget(pid_t tgid) {
  std::lock_guard lock(mu_);
  drain_locked();
  store_.forget(tgid);
  strangers_.forget(tgid);
}

KernelTrace::Stats KernelTrace::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.evicted = store_.evicted();
  return s;
}

}  // namespace sigvisor
