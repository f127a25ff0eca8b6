// The event sink: one gapless, ordered stream from concurrent producers; nothing dropped
// when the writer falls behind (producers wait instead); write failures named.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event_sink.h"

namespace sigvisor {
namespace {

// A kill call whose registers carry who made it and its number in that producer's order.
EventBody numbered_call(int producer, uint64_t n) {
  SyscallEvent ev;
  ev.caller = ProcRef{1000 + producer, 1000 + producer, make_comm("producer")};
  ev.call.sys = Sys::kill;
  ev.call.regs = {static_cast<uint64_t>(producer), n, 0, 0, 0, 0};
  return ev;
}

struct Seen {
  std::vector<uint64_t> seqs;
  std::vector<std::pair<int, uint64_t>> origin;  // (producer, n) in stream order
};

SinkConfig observing(Seen& seen) {
  SinkConfig cfg;
  cfg.observer = [&seen](const Event& e) {
    seen.seqs.push_back(e.seq);
    const auto& call = std::get<SyscallEvent>(e.body).call;
    seen.origin.emplace_back(static_cast<int>(call.regs[0]), call.regs[1]);
  };
  return cfg;
}

void produce(EventSink& sink, int producers, uint64_t each) {
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&sink, p, each] {
      for (uint64_t n = 0; n < each; ++n) sink.record(numbered_call(p, n), 1);
    });
  }
  for (auto& t : threads) t.join();
}

// Every seq once, in order, and each producer's events in the order it recorded them.
void expect_ordered(const Seen& seen, int producers, uint64_t each) {
  ASSERT_EQ(seen.seqs.size(), producers * each);
  for (std::size_t i = 0; i < seen.seqs.size(); ++i) ASSERT_EQ(seen.seqs[i], i) << "at " << i;
  std::vector<uint64_t> next(static_cast<std::size_t>(producers), 0);
  for (const auto& [p, n] : seen.origin) {
    ASSERT_GE(p, 0);
    ASSERT_LT(p, producers);
    ASSERT_EQ(n, next[static_cast<std::size_t>(p)]++) << "producer " << p;
  }
}

TEST(EventSink, ConcurrentProducersGiveOneGaplessOrderedStream) {
  Seen seen;
  EventSink sink(observing(seen));
  produce(sink, 4, 5000);
  sink.close();
  EXPECT_EQ(sink.recorded(), 20000u);
  expect_ordered(seen, 4, 5000);
}

TEST(EventSink, SlowWriterMakesProducersWaitAndLosesNothing) {
  // The writer is held at the first event of its first batch while the producers go on:
  // once the queue holds its bound (64k events) they must wait for room, not drop. The
  // first batch and a full queue hold at most 2 x 64k, fewer than the 140k produced.
  Seen seen;
  std::atomic<bool> release{false};
  SinkConfig cfg = observing(seen);
  auto inner = cfg.observer;
  cfg.observer = [&](const Event& e) {
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    inner(e);
  };
  EventSink sink(cfg);
  constexpr uint64_t kEach = 70000;
  std::thread producers([&] { produce(sink, 2, kEach); });
  // Wait until the producers are stuck at the bound (recorded() stops growing below 2*kEach).
  uint64_t last = 0;
  for (int stable = 0; stable < 20;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    uint64_t now = sink.recorded();
    stable = now == last ? stable + 1 : 0;
    last = now;
  }
  EXPECT_LT(last, 2 * kEach) << "producers never waited: the queue is unbounded";
  release = true;
  producers.join();
  sink.close();
  expect_ordered(seen, 2, kEach);
}

TEST(EventSink, WritesOneJsonLinePerEventInSeqOrder) {
  std::FILE* json = std::tmpfile();
  ASSERT_NE(json, nullptr);
  SinkConfig cfg;
  cfg.json = json;
  {
    EventSink sink(cfg);
    produce(sink, 2, 3000);
    sink.close();
    EXPECT_TRUE(sink.write_error().empty()) << sink.write_error();
  }
  std::rewind(json);
  std::string line;
  uint64_t expected = 0;
  for (int ch; (ch = std::fgetc(json)) != EOF;) {
    if (ch != '\n') {
      line.push_back(static_cast<char>(ch));
      continue;
    }
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ASSERT_EQ(j.at("seq").get<uint64_t>(), expected++);
    ASSERT_EQ(j.at("event"), "syscall");
    line.clear();
  }
  EXPECT_EQ(expected, 6000u);
  EXPECT_TRUE(line.empty()) << "unterminated last line: " << line;
  std::fclose(json);
}

TEST(EventSink, AFailedWriteIsReportedNamingTheOutput) {
  std::FILE* full = std::fopen("/dev/full", "w");
  if (full == nullptr) GTEST_SKIP() << "/dev/full is not available";
  SinkConfig cfg;
  cfg.json = full;
  EventSink sink(cfg);
  sink.record(numbered_call(0, 0), 1);
  sink.close();
  EXPECT_NE(sink.write_error().find("writing JSON output"), std::string::npos)
      << sink.write_error();
  EXPECT_NE(sink.write_error().find("No space left on device"), std::string::npos)
      << sink.write_error();
  std::fclose(full);
}

TEST(EventSink, CloseIsIdempotentAndKeepsTheCount) {
  Seen seen;
  EventSink sink(observing(seen));
  produce(sink, 1, 10);
  sink.close();
  sink.close();
  EXPECT_EQ(sink.recorded(), 10u);
  expect_ordered(seen, 1, 10);
}

}  // namespace
}  // namespace sigvisor
