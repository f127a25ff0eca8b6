// See cli/trace_set.h.
#include "cli/trace_set.h"

#include <string>

namespace sigvisor {

Result<std::bitset<kSysCount>> parse_trace_set(std::string_view set) {
  std::bitset<kSysCount> out;
  bool negate = false;
  if (!set.empty() && set.front() == '!') {
    negate = true;
    set.remove_prefix(1);
  }
  if (set.empty()) return make_error("empty syscall set");
  while (!set.empty()) {
    auto comma = set.find(',');
    std::string_view item = set.substr(0, comma);
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    if (!item.empty() && item.front() == '%') item.remove_prefix(1);
    if (item == "all" || item == "signal") {
      out.set();
    } else if (item == "none") {
      // nothing
    } else if (auto sys = sys_by_name(item)) {
      out.set(static_cast<std::size_t>(*sys));
    } else if (auto fam = family_by_name(item)) {
      for (std::size_t i = 0; i < kSysCount; ++i) {
        if (spec(static_cast<Sys>(i)).family == *fam) out.set(i);
      }
    } else {
      return make_error("unknown syscall or family \"" + std::string(item) +
                        "\" (known: signal syscalls by name, families send, mask, action, "
                        "wait, fd, stack, indirect, limit, or all)");
    }
  }
  if (negate) out.flip();
  return out;
}

}  // namespace sigvisor
