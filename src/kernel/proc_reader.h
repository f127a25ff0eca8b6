// Every read of /proc in the library goes through here: a task's status and stat, its
// name, executable and argv, a pidfd's pid (fdinfo), whether a tid is a thread of a
// process, the processes of a process group. The parsers take the file's text, so the
// odd cases (names with spaces, ')' inside a name, missing fields, garbage) are unit-
// tested without a kernel; the readers open, read once and parse. A file that cannot be
// read (the task is gone) reads as nothing: callers treat that as doubt, never as proof.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scope.h"

namespace sigvisor {

// What /proc/PID/status says (the fields the supervisor uses).
struct ProcStatus {
  Comm name{};
  char state = 0;  // R, S, D, T, t, Z, X ...
  pid_t tgid = 0;
  pid_t ppid = 0;  // thread group id of the real parent (not the tracer)
  std::optional<uid_t> real_uid;
  std::optional<uid_t> effective_uid;
  std::optional<gid_t> effective_gid;
  pid_t tracer = 0;  // TracerPid: 0 when not traced
};

// What /proc/PID/stat says (one line; the name is between the first '(' and the LAST ')',
// since a name may hold both).
struct ProcStat {
  Comm comm{};
  char state = 0;
  pid_t ppid = 0;
  pid_t pgrp = 0;
  uint64_t start_ticks = 0;  // field 22, clock ticks since boot
};

// Parsers. None on text that lacks what the format guarantees (Tgid for status; name,
// state and the fields up to start time for stat).
std::optional<ProcStatus> parse_status(std::string_view text);
std::optional<ProcStat> parse_stat(std::string_view text);
Comm parse_comm(std::string_view text);                         // drops the newline
std::vector<std::string> parse_cmdline(std::string_view text);  // NUL-separated argv
// The "Pid:" of a pidfd's fdinfo (-1 once its process has exited, as the kernel writes
// it). None when the text has no such line: the fd is not a pidfd.
std::optional<pid_t> parse_pidfd_fdinfo(std::string_view text);

// Readers. `tid` 0 reads the process's own files; otherwise /proc/PID/task/TID/.
std::optional<ProcStatus> read_status(pid_t pid);
std::optional<ProcStat> read_stat(pid_t pid, pid_t tid = 0);
std::optional<Comm> read_comm(pid_t pid);
std::string read_exe(pid_t pid);  // "" when unknown
std::vector<std::string> read_cmdline(pid_t pid);
// Whether `tid` is a thread of process `pid` (/proc/PID/task/TID exists).
bool is_thread_of(pid_t pid, pid_t tid);
// Every thread id of process `tgid` (/proc/TGID/task); empty when it is gone.
std::vector<pid_t> list_threads(pid_t tgid);
// Every process id in /proc (threads excluded); none when /proc cannot be listed.
std::optional<std::vector<pid_t>> list_processes();

// What descriptor `fd` of task `tid` is, as far as its fdinfo tells.
enum class FdKind : uint8_t {
  pidfd,       // a pidfd: `pid` is its process (-1 once exited)
  no_such_fd,  // the task is there, the fd is not (or fd < 0)
  not_pidfd,   // a file that is no pidfd (a /proc/PID directory, which pidfd_send_signal
               // accepts too, is one of these: fdinfo does not say which directory)
  unknown,     // could not tell (the task is gone, or its fds may not be read)
};
struct FdTarget {
  FdKind kind = FdKind::unknown;
  pid_t pid = -1;
};
FdTarget read_fd_target(pid_t tid, int fd);

// CLOCK_BOOTTIME now, in seconds: the clock /proc/PID/stat start times count from.
double boottime_now();
// The name of process `pid` from one read of its stat (name and start time of the same
// process). None when it is gone or started after `boottime_s`: the pid was then reused
// by a process that cannot have done what happened before.
std::optional<Comm> read_comm_if_started_before(pid_t pid, double boottime_s);

}  // namespace sigvisor
