// The program on a pseudo-terminal of its own, relayed by sigvisor (issue 13; what sudo's
// use_pty does against TIOCSTI). With "terminal": "relay" in the policy (untrusted) or
// --pty, and stdin a terminal, the program never holds the user's terminal: TIOCSTI only
// works on one's controlling terminal, which is now the pty, so injected keystrokes end
// in the program's own input; tcsetpgrp, TIOCSCTTY, TIOCSETD and TOSTOP reach the pty, not
// the user's shell. sigvisor stays the user's foreground job throughout.
//
// - Before the program starts (no descriptor is made after it): the pty pair, a private
//   descriptor on the user's terminal, a signalfd (SIGWINCH, SIGCONT) and a wake-up
//   eventfd. The pty gets the user's terminal settings and window size; its slave is
//   chowned to --user's uid, as login and sudo do. The launched child makes it the
//   controlling terminal of a session of its own (pty_session.h).
// - During the run, on a thread of its own: the user's terminal in raw mode (while
//   sigvisor is in its foreground), bytes relayed both ways, window size changes passed
//   on (the program gets SIGWINCH from its pty). Keys like ^C and ^Z arrive as bytes and
//   the pty's line discipline turns them into signals to the program's foreground group.
// - Job control (job_control.h): when the program stops, the relay writes out what the
//   program wrote and gives the user's terminal its own modes back before sigvisor stops;
//   once continued, it copies the user's settings to the pty again (as a shell's terminal
//   would be after a stop) and returns to raw mode if sigvisor is in the foreground.
//   Started in the background, it leaves the user's terminal alone until `fg` (SIGCONT).
// - At the end (the tree is gone, however the run ended: exit, --timeout, a signal to
//   sigvisor, a policy abort): what is left in the pty is written out, then the user's
//   terminal gets its modes back. Only a SIGKILL to sigvisor leaves it raw.
// The user's input reaching EOF (the terminal hung up) stops the input side only: the
// hang-up itself reaches the program as the SIGHUP sigvisor passes on.
#pragma once

#include <sys/types.h>
#include <termios.h>

#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/diagnostics.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "terminal/job_control.h"
#include "terminal/pty_session.h"

namespace sigvisor {

// The signals the relay reads from its signalfd: SIGWINCH (the user's terminal changed
// size) and SIGCONT (sigvisor may be in the foreground again). Block them in every thread
// before any starts.
sigset_t pty_relay_signals();

class PtyRelay final : public StopObserver {
 public:
  // For the terminal on `user_fd` (sigvisor's stdin). `owner`: the uid the program runs
  // as (--user), which gets the slave. Fails with one line naming the call.
  static Result<std::unique_ptr<PtyRelay>> open(int user_fd, std::optional<uid_t> owner);
  ~PtyRelay() override;
  PtyRelay(const PtyRelay&) = delete;
  PtyRelay& operator=(const PtyRelay&) = delete;

  // What the launched child needs (launcher.h).
  const PtyChildSide& child_side() const { return child_; }
  // Once the program is launched: sigvisor's copy of the slave goes, so that the master
  // reads EIO once the last process of the program's side closed it.
  void close_slave();
  // Starts relaying (before the program is released).
  void start(Diagnostics& diag);
  // StopObserver: sigvisor stops with its job, and is continued.
  void before_stop() override;
  void after_continue() override;
  // The tree is gone: writes out what the program left in the pty, stops the thread and
  // gives the user's terminal its modes back. Once; the destructor calls it too.
  void finish();

 private:
  enum class Request : uint8_t { none, suspend, resume, finish };
  struct Buffer {
    char data[4096];
    std::size_t len = 0;
    std::size_t off = 0;
    bool empty() const { return off == len; }
    void clear() { len = off = 0; }
  };

  PtyRelay() = default;
  void ask(Request r);
  void run();
  bool handle(Request r);  // false: the thread ends
  void pump();             // one poll round
  bool in_foreground() const;
  void enter_raw_if_foreground();
  void leave_raw();
  void sync_size();
  void copy_settings();
  void read_user();
  void read_master();
  void flush(Buffer& b, int fd, bool to_user);
  // Writes out the pty's output (what is buffered, then what can be read without
  // waiting), up to `cap` bytes. The user's terminal gets a few seconds per write.
  void drain(std::size_t cap);
  void write_to_user(const char* p, std::size_t n);

  PtyChildSide child_;
  UniqueFd master_;
  UniqueFd slave_;
  UniqueFd user_;  // the user's terminal: a descriptor of our own (else a dup of stdin)
  UniqueFd signals_;
  UniqueFd wake_;
  Diagnostics* diag_ = nullptr;

  // The relay thread's state (the caller's before start() and after the thread ends).
  termios user_modes_{};  // the user's own settings, given back after raw mode
  bool raw_ = false;
  bool foreground_ = false;
  bool suspended_ = false;
  bool user_eof_ = false;    // no more input from the user's terminal
  bool user_gone_ = false;   // the user's terminal cannot be written: output is dropped
  bool master_hup_ = false;  // no process holds the slave (for now)
  Buffer to_master_;
  Buffer to_user_;

  std::mutex ask_mu_;  // one request at a time
  std::mutex mu_;
  std::condition_variable answered_cv_;
  Request request_ = Request::none;
  uint64_t asked_ = 0;
  uint64_t answered_ = 0;
  bool running_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace sigvisor
