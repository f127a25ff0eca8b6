// What the escape suites share (escape_test.cc, escape_routes_test.cc, terminal_test.cc):
// the shipped policies each case runs under, with and without Landlock, and this test
// process as a deterministic canary for a harmless signal.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <cctype>
#include <ostream>
#include <string>

namespace sigvisor::test {

// A shipped policy, and whether Landlock's kernel backstop is on: every case runs both
// ways, because the policy itself must hold (--no-landlock), not only the backstop.
struct Setup {
  const char* policy;
  bool landlock;
};

inline void PrintTo(const Setup& s, std::ostream* os) {
  *os << s.policy << (s.landlock ? "" : " --no-landlock");
}

// "CiIsolation", "UntrustedNoLandlock": ctest's name for a case.
inline std::string setup_name(const ::testing::TestParamInfo<Setup>& info) {
  std::string name;
  bool upper = true;
  for (const char* p = info.param.policy; *p != '\0'; ++p) {
    if (*p == '-') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(*p))) : *p;
    upper = false;
  }
  return name + (info.param.landlock ? "" : "NoLandlock");
}

// The policies that keep the sandbox in (escapes are refused), and all shipped ones.
// ci-denials is ci-isolation recording only its refusals: an allowed call leaves no event.
inline const auto kIsolationSetups = ::testing::Values(
    Setup{"ci-isolation", true}, Setup{"ci-isolation", false}, Setup{"ci-denials", true},
    Setup{"ci-denials", false}, Setup{"untrusted", true}, Setup{"untrusted", false});
inline const auto kEverySetup = ::testing::Values(
    Setup{"trace", true}, Setup{"trace", false}, Setup{"ci-isolation", true},
    Setup{"ci-isolation", false}, Setup{"ci-denials", true}, Setup{"ci-denials", false},
    Setup{"untrusted", true}, Setup{"untrusted", false});
// Whether a policy records allowed calls ("record": "all").
inline bool records_allowed(const Setup& s) {
  return std::string(s.policy) != "ci-denials";
}

// This process as the SIGURG canary.
class UrgCanary {
 public:
  UrgCanary() {
    sigemptyset(&urg_);
    sigaddset(&urg_, SIGURG);
    sigprocmask(SIG_BLOCK, &urg_, &old_);
    drain();
  }
  ~UrgCanary() {
    drain();
    sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  // Whether SIGURG arrived since the last call; clears it.
  bool received() {
    sigset_t p;
    sigpending(&p);
    bool got = sigismember(&p, SIGURG) == 1;
    drain();
    return got;
  }

 private:
  void drain() {
    timespec zero{};
    while (sigtimedwait(&urg_, nullptr, &zero) == SIGURG) {
    }
  }
  sigset_t urg_{}, old_{};
};

}  // namespace sigvisor::test
