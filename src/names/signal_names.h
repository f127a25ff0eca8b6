// Names of signals, si_codes and errnos, spelled as strace 6.1 spells them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sigvisor {

inline constexpr int kMaxSignal = 64;

// "SIGTERM", "SIGRTMIN", "SIGRT_3" (strace counts RT signals from 32, the kernel's SIGRTMIN);
// an out-of-range number is returned as its decimal text.
std::string signal_name(int sig);
// Accepts "SIGTERM", "TERM", "SIGRTMIN", "SIGRTMIN+3", "SIGRT_3", "SIGRTMAX", "SIGRTMAX-1"
// and decimal numbers 0..64. Case-sensitive, as kill(1) is.
std::optional<int> signal_by_name(std::string_view name);

// "EPERM"; nullopt for an unknown number.
std::optional<std::string_view> errno_name(int err);
std::optional<int> errno_by_name(std::string_view name);
// "-1 EPERM (Operation not permitted)" as strace prints a failed call, for errnos glibc
// names (the decoder handles unnamed and kernel-internal ones itself).
std::string errno_result_text(int err);

}  // namespace sigvisor

namespace sigvisor {

// si_code as strace names it: generic codes (SI_USER, SI_QUEUE, SI_TKILL, SI_KERNEL, ...)
// for any signal, per-signal codes (SEGV_MAPERR, CLD_EXITED, ...) for the signal they
// belong to; nullopt when the code has no name for that signal.
std::optional<std::string_view> si_code_name(int sig, int code);
// Reverse lookup over every name; per-signal names carry their signal in `sig`.
struct SiCode {
  int code;
  int sig;  // 0 for generic codes valid with any signal
};
std::optional<SiCode> si_code_by_name(std::string_view name);

}  // namespace sigvisor
