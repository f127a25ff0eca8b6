// Parses `-e trace=SET` (and --results=SET): syscall names and families, strace style.
#pragma once

#include <bitset>
#include <string_view>

#include "base/result.h"
#include "names/syscall_table.h"

namespace sigvisor {

// "kill,tgkill", "send,mask", "%send", "%signal" or "all" (everything), "none",
// "!kill" (everything but). Unknown names are an error naming the name.
Result<std::bitset<kSysCount>> parse_trace_set(std::string_view set);

}  // namespace sigvisor
