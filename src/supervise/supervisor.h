// Runs one program under supervision from launch to the last exit: builds the filter,
// launches, seizes, starts the notify thread, runs the ptrace loop on this thread, and
// tears down in an order that loses no event.
#pragma once

#include <bitset>
#include <cstdio>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "result.h"
#include "syscall_table.h"

namespace sigvisor {

struct SupervisorOptions {
  std::vector<std::string> argv;
  std::FILE* text = nullptr;       // strace-style output, or nullptr
  bool text_is_file = false;       // strace -o: every line gets the [pid N] prefix
  std::FILE* json = nullptr;       // JSON Lines output, or nullptr
  std::bitset<kSysCount> printed;  // -e trace=SET
  std::bitset<kSysCount> results;  // --results: decided at ptrace stops, results known
  bool summary = false;            // -c
  const Policy* policy = nullptr;
  std::string policy_source;  // file path or "builtin"
  double timeout_s = 0;       // --timeout: kill the whole tree after this long; 0: never
  // Kernel backstop (landlock.h) when the policy forbids outside targets; --no-landlock.
  bool landlock = true;
  std::FILE* messages = stderr;  // sigvisor's own one-line notes (timeout, fatal signal)
  std::string graph_file;        // --graph: who-signalled-whom DOT (and SVG); empty: none
};

// Returns the exit status sigvisor should exit with (the program's own, 128+N if it
// was killed by signal N, kAbortExitStatus after a policy abort, 124 after --timeout,
// 128+N after signal N to sigvisor itself killed the tree), or an error when
// supervision could not start or an output could not be written.
Result<int> run_supervised(const SupervisorOptions& opts);

}  // namespace sigvisor
