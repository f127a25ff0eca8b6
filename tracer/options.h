// The command line (strace habits, Boost.Program_options): parsed into a plain struct;
// every mistake is one line naming the option, and exit status 2.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "names/syscall_table.h"

namespace sigvisor {

struct CliOptions {
  std::vector<std::string> command;
  std::vector<pid_t> attach;  // -p PID[,PID...] (repeatable): instead of a command
  std::string policy;         // -P: file path or shipped policy name; empty: built-in trace
  std::string output;         // -o
  std::string format = "text";
  std::string json_file;  // --json
  std::string graph;      // --graph FILE.dot
  std::string trace = "all";
  std::optional<std::string> results;  // --results[=SET]
  bool summary = false;
  double timeout = 0;                   // --timeout SEC; 0: none
  std::string timeout_signal = "TERM";  // --timeout-signal SIG (a name or number)
  double kill_after = 0;                // --kill-after SEC; 0: none
  bool no_landlock = false;
  std::string user;  // --user USER[:GROUP]
  bool no_kernel_trace = false;
  bool pty = false;     // --pty: the program gets a relayed pseudo-terminal, whatever the policy
  bool no_pty = false;  // --no-pty: it shares sigvisor's terminal, whatever the policy
  std::string engine;   // --engine auto|kernel|notify; empty: $SIGVISOR_ENGINE, else the default
  std::string buffer;   // --buffer SIZE (the kernel engine's ring buffer)
  bool help = false;
  bool version = false;
  bool doctor = false;  // --doctor: what this kernel can do for sigvisor, then exit
};

// Returns the options, or an error line for the user. `help_text` receives --help output.
Result<CliOptions> parse_cli(int argc, char** argv, std::string& help_text);

}  // namespace sigvisor
