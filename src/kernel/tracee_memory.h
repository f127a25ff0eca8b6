// Reading a traced thread's memory and descriptors: the pointer arguments of a call
// (one process_vm_readv per pointer, no /proc open on the hot path) and which pid a
// pidfd names (from /proc/<tid>/fdinfo, only for pidfd_send_signal).
#pragma once

#include <sys/types.h>

#include "call_data.h"

namespace sigvisor {

// Fills call.mem[i] for every input pointer argument of call.sys.
void read_in_pointers(pid_t tid, CallData& call);
// Fills call.mem[i] for every output pointer argument (after a successful return).
void read_out_pointers(pid_t tid, CallData& call);
// Reads `size` bytes at `addr` into `buf`; false unless all were read.
bool read_tracee(pid_t tid, uint64_t addr, void* buf, std::size_t size);
// The pid that descriptor `fd` of task `tid` refers to if it is a pidfd, else -1.
pid_t pidfd_target(pid_t tid, int fd);

}  // namespace sigvisor
