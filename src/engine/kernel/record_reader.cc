// See record_reader.h.
#include "engine/kernel/record_reader.h"

#include <bpf/libbpf.h>
#include <sys/epoll.h>

#include <cerrno>
#include <cstring>

namespace sigvisor {

Result<std::unique_ptr<RecordReader>> RecordReader::open(BpfPrograms& bpf, RecordDispatch& dispatch,
                                                         RunState& sv) {
  std::unique_ptr<RecordReader> r(new RecordReader(bpf, dispatch, sv));
  r->rb_ = ring_buffer__new(bpf.records_fd(), &RecordReader::on_record, r.get(), nullptr);
  if (r->rb_ == nullptr) {
    return make_error(std::string("BPF ring buffer: ") + std::strerror(errno));
  }
  return r;
}

RecordReader::~RecordReader() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  ring_buffer__free(rb_);
}

int RecordReader::on_record(void* self, void* data, std::size_t size) {
  static_cast<RecordReader*>(self)->dispatch_.handle(data, size);
  return 0;
}

void RecordReader::start() {
  thread_ = std::thread([this] { run(); });
}

void RecordReader::run() {
  const int waiter = ring_buffer__epoll_fd(rb_);
  while (!stop_.load()) {
    epoll_event ev;
    (void)::epoll_wait(waiter, &ev, 1, 50);  // without the lock: a decided call may catch up
    std::lock_guard lock(mu_);
    consume_locked();
    report_drops_locked();
  }
}

void RecordReader::consume_locked() {
  (void)ring_buffer__consume(rb_);
}

void RecordReader::report_drops_locked() {
  const uint64_t total = bpf_.drops();
  if (total <= dropped_) return;
  DroppedEvent ev{total - dropped_, total};
  dropped_ = total;
  sv_.record(ev);
}

void RecordReader::catch_up() {
  std::lock_guard lock(mu_);
  consume_locked();
}

void RecordReader::finish() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  consume_locked();
  report_drops_locked();
}

}  // namespace sigvisor
