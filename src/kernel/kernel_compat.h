// Kernel UAPI that Debian 12's headers (6.1) lack but the running kernel may have.
// Values from the kernel's include/uapi/linux/seccomp.h; every use checks for EINVAL.
#pragma once

#include <linux/seccomp.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

// Landlock (include/uapi/linux/landlock.h). Debian 12's ruleset attr has one u64; ABI 4
// added handled_access_net and ABI 6 (Linux 6.12) the third u64 `scoped`.
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
inline constexpr int kLandlockScopeAbi = 6;  // first ABI with LANDLOCK_SCOPE_SIGNAL
