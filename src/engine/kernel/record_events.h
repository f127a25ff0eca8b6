// The kernel engine's records (kernel_records.h) as the events both engines report
// (events/event.h): the same CallData the notify engine captures, so the decoders print a
// call alike on both. Pure functions over a record's bytes, unit-tested on hand-made records.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/kernel/kernel_records.h"
#include "events/event.h"

namespace sigvisor {

// The record's type, when `size` bytes hold at least its fixed part; 0 otherwise.
uint32_t record_type(const void* data, std::size_t size);

// A call record as the pipeline's CallData (native ABI, result known unless the task died
// in the call); nullopt for a number sigvisor does not know or a malformed record.
std::optional<CallData> call_data_of(const sv_call& r, std::size_t size);

Comm comm_of(const char (&comm)[SV_COMM_LEN]);
ProcRef caller_of(const sv_header& h, const char (&comm)[SV_COMM_LEN]);

SpawnEvent spawn_event_of(const sv_spawn& r);

// exec's argv as the new image's stack holds it (NUL-separated, maybe cut short).
std::vector<std::string> split_argv(const char* bytes, std::size_t len);

// Kernel-made signals (positive codes, SI_KERNEL, SI_TIMER, SI_ASYNCIO, SI_SIGIO,
// SI_DETHREAD, SI_ASYNCNL): their sender is the kernel, whatever task it ran in.
bool kernel_made(int code);
// Codes whose si_pid and si_uid the caller wrote itself (SI_QUEUE, SI_MESGQ, ...): a claim.
bool caller_written(int code);

}  // namespace sigvisor
