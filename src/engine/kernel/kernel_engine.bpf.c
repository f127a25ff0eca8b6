// The kernel engine's programs (docs/architecture.md): tree membership kept by the kernel at
// fork, exec, exit and free; the member's signal calls recorded at entry and exit; every
// signal sent to a member, with its sender read at the moment of the send; deliveries; and,
// when sigvisor itself dies, the whole tree killed before it makes one more call. Records go
// to one ring buffer (kernel_records.h); a full buffer drops, counted per CPU.
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "engine/kernel/kernel_records.h"

char LICENSE[] SEC("license") = "GPL";

// Settings fixed before load (the verifier prunes what a run does not use).
const volatile __u32 loader_tgid = 0;     // sigvisor: its death kills the tree
const volatile __u32 wakeup_bytes = 4096; // wake the reader once this much is waiting

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, __u32);  // thread id
  __type(value, struct sv_member);
} members SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, SV_MAX_NR);
  __type(key, __u32);
  __type(value, struct sv_sys_rule);
} sys_rules SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 << 20);  // resized by the loader (--buffer)
} records SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} drops SEC(".maps");

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern int bpf_send_signal_task(struct task_struct *task, int sig, enum pid_type type,
                                u64 value) __ksym;

#define SIGKILL 9
#define SIGCHLD 17
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define TS_COMPAT 0x0002
#define X32_SYSCALL_BIT 0x40000000

// min(v, max) in a way the verifier follows: clang keeps the comparison on the register
// the helper gets (a C ternary is often compiled on a copy, and the bound is lost).
#define CLAMP(v, max) asm volatile("if %[x] <= %[m] goto +1; %[x] = %[m]" : [x] "+r"(v) : [m] "i"(max))

static __always_inline void count_drop(void) {
  __u32 zero = 0;
  __u64 *n = bpf_map_lookup_elem(&drops, &zero);
  if (n) *n += 1;
}

// The reader is not woken until enough is waiting: a wake-up per record costs a cross-CPU
// interrupt (~5x native per call, measured); batches cost nothing per call. The reader also
// polls on a timer, so a quiet tree's records wait at most that long.
static __always_inline __u64 wakeup_flags(void) {
  return bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                        : BPF_RB_NO_WAKEUP;
}

static __always_inline void submit(void *rec) {
  bpf_ringbuf_submit(rec, wakeup_flags());
}

static __always_inline void fill_header(struct sv_header *h, __u32 type) {
  __u64 id = bpf_get_current_pid_tgid();
  h->type = type;
  h->tid = (__u32)id;
  h->tgid = id >> 32;
  h->cpu = bpf_get_smp_processor_id();
  h->ts_ns = bpf_ktime_get_ns();
}

static __always_inline struct sv_member *member(__u32 tid) {
  return bpf_map_lookup_elem(&members, &tid);
}

#include "engine/kernel/bpf/calls.bpf.h"
#include "engine/kernel/bpf/membership.bpf.h"
#include "engine/kernel/bpf/signals.bpf.h"
