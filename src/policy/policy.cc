// The Policy object: loading (file → text → compiled rules → safety checks → hash) and the
// thin public wrappers around the matcher. One load either yields a whole Policy or an Error.
#include "policy/policy.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "policy/policy_hash.h"
#include "policy/policy_internal.h"

namespace sigvisor {
namespace {

constexpr std::size_t kMaxPolicyBytes = 1 << 20;

constexpr std::string_view kActionNames[] = {"allow", "log", "deny", "kill", "abort"};

// The whole file, or "<path>: cannot read: <strerror>".
Result<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": cannot read: " + std::strerror(errno));
  std::string text;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return make_error(path + ": cannot read: " + std::strerror(e));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxPolicyBytes) {
      ::close(fd);
      return make_error(path + ": too large (more than " + std::to_string(kMaxPolicyBytes) +
                        " bytes)");
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

std::string_view action_name(Action a) {
  return kActionNames[static_cast<std::size_t>(a)];
}

std::string_view record_name(Record r) {
  return r == Record::all ? "all" : "denied";
}

Policy::Policy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Policy::Policy(Policy&&) noexcept = default;
Policy& Policy::operator=(Policy&&) noexcept = default;
Policy::~Policy() = default;

Policy Policy::trace_all() {
  auto impl = std::make_unique<Impl>();
  impl->p.name = "trace";
  impl->p.description = "allow every signal syscall and delivery, and record them all";
  impl->p.hash = "builtin";
  impl->p.default_action = Action::allow;
  impl->p.record = Record::all;
  return Policy(std::move(impl));
}

Result<Policy> Policy::load_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return load_string(*text, path);
}

Result<Policy> Policy::load_string(std::string_view json, const std::string& origin) {
  auto compiled = policy_internal::parse_policy(json, origin);
  if (!compiled) return compiled.error();
  auto checked = policy_internal::check_policy(*compiled, origin);
  if (!checked) return checked.error();
  auto impl = std::make_unique<Impl>();
  impl->p = std::move(*compiled);
  impl->p.hash = sha256_hex(json);
  return Policy(std::move(impl));
}

Decision Policy::decide(const CallContext& ctx) const {
  return policy_internal::decide_call(impl_->p, ctx);
}

Decision Policy::decide_delivery(const DeliveryContext& ctx) const {
  return policy_internal::decide_delivery(impl_->p, ctx);
}

const std::string& Policy::name() const {
  return impl_->p.name;
}
const std::string& Policy::description() const {
  return impl_->p.description;
}
const std::string& Policy::hash() const {
  return impl_->p.hash;
}
Record Policy::record() const {
  return impl_->p.record;
}

bool Policy::requires_user() const {
  return impl_->p.require_user;
}

TerminalMode Policy::terminal() const {
  return impl_->p.terminal;
}

bool Policy::uses_exe() const {
  auto any_exe = [](const std::vector<policy_internal::CompiledRule>& rules) {
    for (const auto& r : rules) {
      if (!r.exe_globs.empty()) return true;
    }
    return false;
  };
  return any_exe(impl_->p.syscall_rules) || any_exe(impl_->p.delivery_rules);
}

bool Policy::delivery_may_deny() const {
  for (const auto& r : impl_->p.delivery_rules) {
    if (r.action == Action::deny) return true;
  }
  return false;
}

bool Policy::records(const Decision& d) const {
  return impl_->p.record == Record::all || d.action != Action::allow;
}

}  // namespace sigvisor
