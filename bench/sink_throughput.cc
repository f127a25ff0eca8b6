// bench/sink_throughput — how many events per second the event sink numbers, formats and
// writes, and whether any is lost, without the kernel's notification round trip in front
// of it (that round trip, ~12 us on the reference VM, caps one traced thread at ~80k
// calls/s; the sink must not be the next limit).
//
// Usage: sink_throughput OUT_DIR [EVENTS=200000] [PRODUCERS=2] [RATE=0]
//   PRODUCERS threads record EVENTS events in all (alternately a kill call with its
//   target and the SIGUSR1 delivery it causes, as the notify and ptrace threads do) into
//   one EventSink writing strace-style text and JSON Lines to OUT_DIR/events.txt and
//   OUT_DIR/events.jsonl. RATE > 0 paces the producers to RATE events/s in all (e.g.
//   100000); 0 records as fast as they can. Then the JSON file is read back: every line
//   must parse, and the seq values must be exactly 0..EVENTS-1 with each kind present in
//   the expected number. SINK_FORMATS=text (or json) writes only that format; the check
//   then needs json.
// Prints events/s (first record to the last byte flushed), the time one record() took
// (what a traced task waits for the queue: median, p99.9, max) and the check's verdict.
// Exit 0 when nothing was lost, 1 otherwise, 2 on usage errors.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.h"
#include "events/event_sink.h"

namespace {

using Clock = std::chrono::steady_clock;

sigvisor::Comm comm_of(const char* name) {
  sigvisor::Comm c{};
  std::strncpy(c.data(), name, c.size() - 1);
  return c;
}

sigvisor::EventBody kill_call(pid_t pid) {
  sigvisor::SyscallEvent ev;
  ev.caller = sigvisor::ProcRef{pid, pid, comm_of("sender")};
  ev.call.sys = sigvisor::Sys::kill;
  ev.call.regs = {static_cast<uint64_t>(pid + 1), SIGUSR1, 0, 0, 0, 0};
  sigvisor::Target t;
  t.pid = pid + 1;
  t.scope = sigvisor::Scope::sandbox;
  t.exists = true;
  t.comm = comm_of("receiver");
  ev.target = t;
  return ev;
}

sigvisor::EventBody delivery(pid_t pid) {
  sigvisor::SignalEvent ev;
  ev.task = sigvisor::ProcRef{pid + 1, pid + 1, comm_of("receiver")};
  siginfo_t si{};
  si.si_signo = SIGUSR1;
  si.si_code = SI_USER;
  si.si_pid = pid;
  std::memcpy(ev.info.data(), &si, sizeof si);
  ev.sig = SIGUSR1;
  ev.code = SI_USER;
  ev.sender = sigvisor::ProcRef{pid, pid, comm_of("sender")};
  ev.sender_known = true;
  ev.sender_uid = 0;
  ev.sender_scope = sigvisor::Scope::sandbox;
  return ev;
}

struct Check {
  uint64_t lines = 0, bad = 0, syscalls = 0, signals = 0;
  bool gapless = false;
};

Check check_json(const std::string& path, uint64_t expected) {
  Check c;
  std::vector<bool> seen(expected, false);
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    ++c.lines;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("seq") || !j["seq"].is_number_unsigned()) {
      ++c.bad;
      continue;
    }
    auto seq = j["seq"].get<uint64_t>();
    if (seq >= expected || seen[seq]) {
      ++c.bad;
      continue;
    }
    seen[seq] = true;
    const std::string kind = j.value("event", "");
    if (kind == "syscall") ++c.syscalls;
    if (kind == "signal") ++c.signals;
  }
  c.gapless = c.lines == expected && c.bad == 0 &&
              std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: %s OUT_DIR [EVENTS=200000] [PRODUCERS=2] [RATE=0]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const uint64_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200000;
  const unsigned producers = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 2;
  const double rate = argc > 4 ? std::atof(argv[4]) : 0;
  if (events == 0 || events % 2 != 0 || producers == 0 || events % (2 * producers) != 0 ||
      rate < 0) {
    std::fprintf(stderr, "%s: EVENTS must be a positive multiple of 2*PRODUCERS, RATE >= 0\n",
                 argv[0]);
    return 2;
  }
  const std::string text_path = dir + "/events.txt";
  const std::string json_path = dir + "/events.jsonl";
  std::FILE* text = std::fopen(text_path.c_str(), "w");
  std::FILE* json = std::fopen(json_path.c_str(), "w");
  if (text == nullptr || json == nullptr) {
    std::fprintf(stderr, "%s: cannot write in %s: %s\n", argv[0], dir.c_str(),
                 std::strerror(errno));
    return 2;
  }

  std::vector<std::vector<int64_t>> waits(producers);  // ns per record(), per producer
  const auto start = Clock::now();
  {
    sigvisor::SinkConfig cfg;
    // SINK_FORMATS=text or =json measures one formatter alone (default: both, as -o + --json).
    const char* formats = std::getenv("SINK_FORMATS");
    const std::string f = formats != nullptr ? formats : "text,json";
    cfg.text = f.find("text") != std::string::npos ? text : nullptr;
    cfg.json = f.find("json") != std::string::npos ? json : nullptr;
    sigvisor::EventSink sink(cfg);
    std::vector<std::thread> threads;
    const uint64_t pairs_each = events / 2 / producers;
    // Each producer owns an equal share of the rate: its k-th pair is due at k * period.
    const auto period = rate > 0
                            ? std::chrono::nanoseconds(static_cast<int64_t>(2e9 * producers / rate))
                            : std::chrono::nanoseconds(0);
    for (unsigned p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        const pid_t pid = static_cast<pid_t>(1000 + 10 * p);
        std::vector<int64_t>& mine = waits[p];
        mine.reserve(2 * pairs_each);
        for (uint64_t k = 0; k < pairs_each; ++k) {
          if (rate > 0) std::this_thread::sleep_until(start + period * static_cast<int64_t>(k));
          for (auto body : {kill_call(pid), delivery(pid)}) {
            auto t0 = Clock::now();
            sink.record(std::move(body), 2);
            mine.push_back((Clock::now() - t0).count());
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    sink.close();
    if (!sink.write_error().empty()) {
      std::fprintf(stderr, "%s: %s\n", argv[0], sink.write_error().c_str());
      return 1;
    }
  }
  std::fclose(text);
  std::fclose(json);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<int64_t> all;
  for (const auto& w : waits) all.insert(all.end(), w.begin(), w.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return static_cast<double>(
               all[static_cast<std::size_t>(q * static_cast<double>(all.size() - 1))]) /
           1e3;
  };
  Check c = check_json(json_path, events);
  std::printf(
      "sink: %llu events (%u producers, %s) in %.3f s = %.0f events/s; record() median %.2f us, "
      "p99.9 %.1f us, max %.1f us\n",
      static_cast<unsigned long long>(events), producers,
      rate > 0 ? (std::to_string(static_cast<long long>(rate)) + " ev/s asked").c_str() : "unpaced",
      seconds, static_cast<double>(events) / seconds, pct(0.5), pct(0.999), pct(1.0));
  std::printf(
      "check: %llu JSON lines, %llu bad, %llu syscall + %llu signal events, seq gapless: %s\n",
      static_cast<unsigned long long>(c.lines), static_cast<unsigned long long>(c.bad),
      static_cast<unsigned long long>(c.syscalls), static_cast<unsigned long long>(c.signals),
      c.gapless ? "yes" : "NO");
  const bool ok = c.gapless && c.syscalls == events / 2 && c.signals == events / 2;
  return ok ? 0 : 1;
}
