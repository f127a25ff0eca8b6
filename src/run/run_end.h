// How a run ended, as one value, and the exit status sigvisor gives for it.
#pragma once

#include <cstddef>
#include <string>

namespace sigvisor {

// Exit status after --timeout (as timeout(1) has it).
inline constexpr int kTimeoutExitStatus = 124;

struct RunEnd {
  enum class Cause : uint8_t {
    program_exited,  // the tree ended by itself: the launched program's status counts
    policy_abort,    // a policy `abort` ended the tree (kAbortExitStatus)
    timeout,         // --timeout expired
    fatal_signal,    // a signal to sigvisor was passed on and --kill-after expired, or the
                     // force (the third ^C) ended the tree
  };
  Cause cause = Cause::program_exited;
  int signal = 0;               // fatal_signal: which; timeout: the --timeout-signal
  std::size_t ended = 0;        // processes the control loop SIGKILLed (distinct groups)
  std::size_t signalled = 0;    // timeout: processes sent the --timeout-signal
  bool killed_after = false;    // timeout: --kill-after expired with processes left
  int root_status = 0;          // the launched program's wait status
  int end_status = 0;           // the status the first request to end the run chose, or 0
  double timeout_s = 0;         // --timeout, for the message
  double kill_after_s = 0;      // --kill-after, for the message
  bool detached = false;        // ending the tree let go of it (attach) instead of killing it
  bool forced = false;          // fatal_signal: the third ^C, not --kill-after
  std::size_t left_behind = 0;  // program_exited: processes it left, killed
};

// The program's own status (128+N when it was killed by signal N), or the status chosen
// by whoever ended the run first.
int exit_status(const RunEnd& end);
// The signal that killed the program when the run ended by itself (sigvisor re-raises
// it); 0 when it exited, or when sigvisor ended the run.
int program_death_signal(const RunEnd& end);
// The one line that says why sigvisor ended the tree itself; empty when it did not.
std::string end_message(const RunEnd& end);

}  // namespace sigvisor
