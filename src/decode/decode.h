// Decoding of intercepted signal syscalls into strace 6.1 text and into JSON values.
// Pure functions over CallData snapshots: no kernel access, so every case is unit-testable.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/call_data.h"

namespace sigvisor {

// "kill(4243, SIGTERM)": the call as strace prints it, without " = result".
// Out-parameters print only when c.retval is known and successful (strace's rule);
// otherwise a pointer out-param prints as its address (or NULL).
void format_call_text(const CallData& c, std::string& out);

// The result part after "= ": "0", "-1 ESRCH (No such process)", "10 (SIGUSR1)"
// for rt_sigtimedwait, "?" when c.retval is unknown.
void format_result_text(const CallData& c, std::string& out);

// {"pid": 4243, "sig": "SIGTERM"}: one key per argument (SyscallSpec::arg_names),
// signals as names, sets as lists of names, structs as objects, unreadable
// pointers as {"addr": "0x..."}; out-params only when the result is a success.
nlohmann::json args_json(const CallData& c);

// Signal-delivery siginfo (128 raw bytes as the kernel filled them):
// "{si_signo=SIGTERM, si_code=SI_USER, si_pid=4242, si_uid=0}" and its JSON object.
void format_siginfo_text(const uint8_t* info128, std::string& out);
nlohmann::json siginfo_json(const uint8_t* info128);

}  // namespace sigvisor
