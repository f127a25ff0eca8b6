// See bpf_programs.h.
#include "engine/kernel/bpf_programs.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <string>
#include <utility>

#include "kernel_engine.skel.h"

namespace sigvisor {
namespace {

// libbpf's messages while loading: the verifier's log, a missing kfunc. The verifier's own
// last word (the line before its "processed N insns"), else the last warning, is kept for
// the one-line error; libbpf prints nothing of its own.
struct LibbpfLog {
  std::string last;
  std::string previous;
  std::string verifier;
};
thread_local LibbpfLog* libbpf_last = nullptr;

int libbpf_message(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG || libbpf_last == nullptr) return 0;
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string text(static_cast<std::size_t>(n) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), fmt, args);
  text.resize(static_cast<std::size_t>(n));
  // One message may hold many lines (the whole verifier log).
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string s = text.substr(start, end - start);
    start = end + 1;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.empty() || s.find("-- END PROG LOAD LOG --") != std::string::npos) continue;
    if (s.rfind("processed ", 0) == 0 && libbpf_last->verifier.empty()) {
      libbpf_last->verifier = libbpf_last->last;
    }
    libbpf_last->previous = libbpf_last->last;
    libbpf_last->last = s;
  }
  return 0;
}

class LibbpfMessages {
 public:
  LibbpfMessages() {
    libbpf_set_print(libbpf_message);
    libbpf_last = &log_;
  }
  ~LibbpfMessages() { libbpf_last = nullptr; }
  LibbpfMessages(const LibbpfMessages&) = delete;
  LibbpfMessages& operator=(const LibbpfMessages&) = delete;
  std::string why(const char* step, int err) const {
    std::string m = std::string(step) + ": " + std::strerror(err < 0 ? -err : err);
    const std::string& detail = log_.verifier.empty() ? log_.last : log_.verifier;
    if (!detail.empty()) m += " (" + detail + ")";
    return m;
  }

 private:
  LibbpfLog log_;
};

// Descriptors the loaded object holds: a map each, a program and its link each, the
// kernel's BTF and a few libbpf opens while loading. Checked before loading: a load that
// runs out half way reports EINVAL from whichever step failed, not why.
Status check_descriptors(bpf_object* obj) {
  std::size_t needed = 4;
  bpf_map* map = nullptr;
  bpf_object__for_each_map(map, obj)++ needed;
  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, obj) needed += 2;
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == RLIM_INFINITY) return Ok{};
  std::size_t open = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (const dirent* e = readdir(d)) open += e->d_name[0] != '.';
    closedir(d);
  }
  if (open + needed <= nofile.rlim_cur) return Ok{};
  return make_error("BPF load: " + std::string(std::strerror(EMFILE)) + " (the programs need " +
                    std::to_string(needed) + " descriptors, " + std::to_string(open) +
                    " are open, RLIMIT_NOFILE is " + std::to_string(nofile.rlim_cur) + ")");
}

// Which kfunc the kernel lacks, when one is: a load that fails on an older kernel says
// so instead of the verifier's EINVAL. Asked only after a failure (parsing the kernel's
// BTF costs tens of ms).
std::string missing_kfunc() {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (vmlinux == nullptr) return "";
  std::string missing;
  for (auto [name, since] : {std::pair{"bpf_task_from_pid", "6.2"},
                             std::pair{"bpf_send_signal_task", "6.13"}}) {
    if (btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) < 0) {
      missing = std::string("the kernel lacks the kfunc ") + name + " (Linux " + since +
                "), which kills the tree if sigvisor dies";
      break;
    }
  }
  btf__free(vmlinux);
  return missing;
}

}  // namespace

Result<std::unique_ptr<BpfPrograms>> BpfPrograms::load(const Settings& settings) {
  LibbpfMessages messages;
  kernel_engine* skel = kernel_engine__open();
  if (skel == nullptr) return make_error(messages.why("BPF open", errno));
  std::unique_ptr<BpfPrograms> p(new BpfPrograms(skel));
  skel->rodata->loader_tgid = static_cast<uint32_t>(settings.loader);
  skel->rodata->wakeup_bytes = settings.buffer_bytes / 8;
  if (int err = bpf_map__set_max_entries(skel->maps.records, settings.buffer_bytes); err != 0) {
    return make_error(messages.why("BPF ring buffer size", err));
  }
  if (auto st = check_descriptors(skel->obj); !st) return st.error();
  if (int err = kernel_engine__load(skel); err != 0) {
    if (std::string kfunc = missing_kfunc(); !kfunc.empty()) return make_error(kfunc);
    return make_error(messages.why("BPF load", err));
  }
  return p;
}

BpfPrograms::~BpfPrograms() {
  kernel_engine__destroy(skel_);
}

Status BpfPrograms::set_rules(const std::vector<NumberedRule>& rules) {
  const int fd = bpf_map__fd(skel_->maps.sys_rules);
  for (const NumberedRule& r : rules) {
    if (bpf_map_update_elem(fd, &r.nr, &r.rule, BPF_ANY) != 0) {
      return make_error(std::string("BPF rules: ") + std::strerror(errno));
    }
  }
  return Ok{};
}

Status BpfPrograms::add_member(pid_t tid, pid_t tgid, pid_t ptgid) {
  sv_member m{};
  m.tgid = static_cast<uint32_t>(tgid);
  m.ptgid = static_cast<uint32_t>(ptgid);
  const uint32_t key = static_cast<uint32_t>(tid);
  if (bpf_map_update_elem(members_fd(), &key, &m, BPF_ANY) != 0) {
    return make_error(std::string("BPF members: ") + std::strerror(errno));
  }
  return Ok{};
}

Status BpfPrograms::attach() {
  LibbpfMessages messages;
  if (int err = kernel_engine__attach(skel_); err != 0) {
    return make_error(messages.why("BPF attach", err));
  }
  return Ok{};
}

void BpfPrograms::detach() {
  kernel_engine__detach(skel_);
}

int BpfPrograms::records_fd() const {
  return bpf_map__fd(skel_->maps.records);
}

int BpfPrograms::members_fd() const {
  return bpf_map__fd(skel_->maps.members);
}

uint64_t BpfPrograms::drops() const {
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return 0;
  std::vector<uint64_t> per_cpu(static_cast<std::size_t>(ncpu));
  const uint32_t zero = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.drops), &zero, per_cpu.data()) != 0) return 0;
  uint64_t sum = 0;
  for (uint64_t n : per_cpu) sum += n;
  return sum;
}

}  // namespace sigvisor
