// Reading a traced thread's memory: the pointer arguments of a call (one
// process_vm_readv per pointer, no /proc open on the hot path). What a pidfd names is
// read from /proc by proc_reader.h.
#pragma once

#include <sys/types.h>

#include "model/call_data.h"

namespace sigvisor {

// Fills call.mem[i] for every input pointer argument of call.sys.
void read_in_pointers(pid_t tid, CallData& call);
// Fills call.mem[i] for every output pointer argument (after a successful return).
void read_out_pointers(pid_t tid, CallData& call);
// Reads `size` bytes at `addr` into `buf`; false unless all were read.
bool read_tracee(pid_t tid, uint64_t addr, void* buf, std::size_t size);

}  // namespace sigvisor
