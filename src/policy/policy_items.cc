// See policy_reader.h: the items of match values, each name checked against the tables
// sigvisor decodes with (signals, scopes, si_codes, syscalls and families, commands).
#include <fnmatch.h>

#include <limits>

#include "policy/policy_reader.h"

namespace sigvisor {
namespace policy_internal {

// One signal item into `bits`: a name, a number, "realtime", or a range "A-B".
bool PolicyReader::signal_item(const Json& j, const std::string& path, SigBits& bits,
                               bool allow_zero) {
  int lo = 0, hi = 0;
  if (j.is_number_integer()) {
    // An unsigned beyond int64 would wrap in get<int64_t>(): say it as written.
    if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t{kMaxSignal}) {
      return fail(path, "unknown signal " + std::to_string(j.get<uint64_t>()));
    }
    auto v = j.get<int64_t>();
    if (v < 0 || v > kMaxSignal) return fail(path, "unknown signal " + std::to_string(v));
    lo = hi = static_cast<int>(v);
  } else {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "realtime") {
      lo = 32;
      hi = kMaxSignal;
    } else if (auto n = signal_by_name(s)) {
      lo = hi = *n;
    } else {
      bool found = false;
      for (std::size_t dash = s.find('-'); dash != std::string::npos && !found;
           dash = s.find('-', dash + 1)) {
        auto a = signal_by_name(std::string_view(s).substr(0, dash));
        auto b = signal_by_name(std::string_view(s).substr(dash + 1));
        if (a && b) {
          found = true;
          lo = *a;
          hi = *b;
        }
      }
      if (!found) {
        return fail(path,
                    std::string(s.find('-') == std::string::npos ? "unknown signal "
                                                                 : "unknown signal or range ") +
                        quote_value(s));
      }
      if (lo > hi) return fail(path, "empty signal range " + quote_value(s));
    }
  }
  if (lo == 0 && !allow_zero) return fail(path, "signal 0 is not a signal and cannot be blocked");
  for (int s = lo; s <= hi; ++s) bits.set(static_cast<std::size_t>(s));
  return true;
}

bool PolicyReader::scope_item(const Json& j, const std::string& path, bool delivery,
                              uint16_t& mask) {
  const auto& s = j.get_ref<const std::string&>();
  auto sc = scope_by_name(s);
  if (!sc) return fail(path, "unknown scope " + quote_value(s));
  if (*sc == Scope::kernel && !delivery) {
    return fail(path, "\"kernel\" is only a sender scope (delivery rules)");
  }
  if (*sc == Scope::invalid && delivery) {
    return fail(path, "\"invalid\" is only a target scope (a delivered signal had a sender)");
  }
  mask = static_cast<uint16_t>(mask | scope_bit(*sc));
  return true;
}

bool PolicyReader::glob_item(const Json& j, const std::string& path,
                             std::vector<std::string>& out) {
  const auto& s = j.get_ref<const std::string&>();
  if (s.empty()) return fail(path, "empty glob");
  int r = fnmatch(s.c_str(), "", 0);
  if (r != 0 && r != FNM_NOMATCH) return fail(path, "invalid glob " + quote_value(s));
  out.push_back(s);
  return true;
}

bool PolicyReader::code_item(const Json& j, const std::string& path, std::vector<SiCode>& out) {
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() &&
        j.get<uint64_t>() > uint64_t{std::numeric_limits<int32_t>::max()}) {
      return fail(path, "si_code " + std::to_string(j.get<uint64_t>()) + " out of range");
    }
    auto v = j.get<int64_t>();
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      return fail(path, "si_code " + std::to_string(v) + " out of range");
    }
    out.push_back(SiCode{static_cast<int>(v), 0});
    return true;
  }
  const auto& s = j.get_ref<const std::string&>();
  auto c = si_code_by_name(s);
  if (!c) return fail(path, "unknown si_code " + quote_value(s));
  out.push_back(*c);
  return true;
}

bool PolicyReader::handler_item(const Json& j, const std::string& path, uint8_t& mask) {
  const auto& s = j.get_ref<const std::string&>();
  if (s == "default") {
    mask |= kHandlerDefault;
  } else if (s == "ignore") {
    mask |= kHandlerIgnore;
  } else if (s == "catch") {
    mask |= kHandlerCatch;
  } else {
    return fail(path, "unknown handler " + quote_value(s) + " (expected default, ignore or catch)");
  }
  return true;
}

bool PolicyReader::syscall_item(const Json& j, const std::string& path, uint32_t& mask) {
  const auto& s = j.get_ref<const std::string&>();
  if (auto sys = sys_by_name(s)) {
    mask |= sys_bit(*sys);
    return true;
  }
  auto fam = family_by_name(s);
  if (fam && *fam != Family::other) {
    mask |= family_mask(*fam);
    return true;
  }
  return fail(path, "unknown syscall or family " + quote_value(s));
}

// One command of an indirect syscall, by the name strace prints (TIOCSTI, F_SETOWN...):
// only the commands sigvisor intercepts can be matched.
bool PolicyReader::command_item(const Json& j, const std::string& path, uint32_t& mask) {
  const auto& s = j.get_ref<const std::string&>();
  for (const IndirectCommand& c : indirect_commands()) {
    if (c.name != s) continue;
    mask |= command_bit(&c);
    return true;
  }
  std::string known;
  for (const IndirectCommand& c : indirect_commands()) {
    known += known.empty() ? "" : ", ";
    known += c.name;
  }
  return fail(path, "unknown command " + quote_value(s) + " (intercepted: " + known + ")");
}

}  // namespace policy_internal
}  // namespace sigvisor
