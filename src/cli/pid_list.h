// The process ids of `-p` (as strace's -p): each value a list separated by commas, spaces,
// tabs or newlines, so that `-p 1,2 -p 3` and `-p "$(pidof daemon)"` (spaces) or
// `-p "$(pgrep daemon)"` (newlines) all work. Pure: unit-tested.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace sigvisor {

// The pids in the order given, each once. An empty list, or a word that is not a
// positive process id: one line for the user ("-p 'abc': invalid process id").
Result<std::vector<pid_t>> parse_pid_list(const std::vector<std::string>& values);

}  // namespace sigvisor
