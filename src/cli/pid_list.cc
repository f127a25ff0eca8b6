// See cli/pid_list.h.
#include "cli/pid_list.h"

#include <algorithm>
#include <charconv>
#include <climits>

namespace sigvisor {

Result<std::vector<pid_t>> parse_pid_list(const std::vector<std::string>& values) {
  std::vector<pid_t> pids;
  for (const std::string& value : values) {
    std::size_t pos = 0;
    while (pos < value.size()) {
      const std::size_t end = std::min(value.find_first_of(", \t\n", pos), value.size());
      const std::string word = value.substr(pos, end - pos);
      pos = end + 1;
      if (word.empty()) continue;
      long long n = 0;
      const auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
      if (ec != std::errc() || p != word.data() + word.size() || n <= 0 || n > INT_MAX) {
        return make_error("-p '" + word + "': invalid process id");
      }
      const auto pid = static_cast<pid_t>(n);
      if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
    }
  }
  if (pids.empty()) return make_error("-p: no process id given");
  return pids;
}

}  // namespace sigvisor
