// The kernel engine's programs, part of kernel_engine.bpf.c (included there: one BPF
// object): the member's signal calls, recorded at entry and written at return.
#pragma once

// The call a member is in, from its entry to its return: the record being built.
struct pending_call {
  __u32 active;
  __u32 pad;
  struct sv_call rec;
};

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct pending_call);
} calls SEC(".maps");

// Argument `i` of the syscall as the task passed it (still in the saved registers at exit).
static __always_inline __u64 syscall_arg(struct pt_regs* regs, int i) {
#if defined(__TARGET_ARCH_x86)
  switch (i) {
    case 0:
      return regs->di;
    case 1:
      return regs->si;
    case 2:
      return regs->dx;
    case 3:
      return regs->r10;
    case 4:
      return regs->r8;
    default:
      return regs->r9;
  }
#elif defined(__TARGET_ARCH_arm64)
  if (i == 0) return regs->orig_x0;  // x0 holds the result at exit
  return regs->regs[i & 7];
#else
#error "the kernel engine knows the syscall registers of x86_64 and arm64"
#endif
}

static __always_inline long syscall_nr(struct pt_regs* regs) {
#if defined(__TARGET_ARCH_x86)
  return regs->orig_ax;
#else
  return regs->syscallno;
#endif
}

// The rule of a native call number, or NULL (not recorded).
static __always_inline struct sv_sys_rule* rule_of(long nr) {
  if (nr < 0 || nr >= SV_MAX_NR) return 0;
  __u32 key = nr;
  struct sv_sys_rule* rule = bpf_map_lookup_elem(&sys_rules, &key);
  return rule && rule->record ? rule : 0;
}

// Whether the call is one the rule records (sv_cond). `cmd`: the matched command's index,
// or -1 for a rule without commands.
static __always_inline int wanted(struct sv_sys_rule* rule, __u64* args, int* cmd) {
  *cmd = -1;
  if (rule->cond == SV_COND_NONE) return 1;
  __u64 v = args[rule->cond_arg & 7];
  if (rule->cond == SV_COND_POSITIVE) return (__s32)v > 0;
#pragma unroll
  for (int k = 0; k < SV_MAX_CMDS; ++k) {
    if (k >= rule->ncmds) break;
    struct sv_command* c = &rule->cmds[k];
    if ((__u32)v != c->cmd) continue;
    if (c->has_only_arg && (__u32)args[rule->by_arg & 7] != c->only_arg) continue;
    *cmd = k;
    return 1;
  }
  return 0;
}

// Copies the pointer arguments of direction `dir` into the record's buffers from slot
// `n` on; returns the number of buffers used. `cmd`: the command that decides what the
// rule's by_arg argument is (-1: none).
static __always_inline __u32 copy_pointers(struct sv_call* rec, struct sv_sys_rule* rule, __u32 n,
                                           __u8 dir, int cmd) {
#pragma unroll
  for (int i = 0; i < 6; ++i) {
    __u8 arg_dir = rule->args[i].dir;
    __u64 size = rule->args[i].size;
    __u8 from = rule->args[i].size_arg;
    if (cmd >= 0 && rule->cond == SV_COND_COMMAND && i == rule->by_arg) {
      const __u32 k = (__u32)cmd & (SV_MAX_CMDS - 1);  // a bound the verifier can see
      arg_dir = rule->cmds[k].by_dir;
      size = rule->cmds[k].by_size;
      from = 0xff;
    }
    if (arg_dir != dir) continue;
    if (n >= SV_MAX_PTRS) break;
    __u64 slot = n;
    CLAMP(slot, SV_MAX_PTRS - 1);  // the same bound, on the register the verifier checks
    struct sv_buffer* b = &rec->buf[slot];
    if (from < 6 && rec->args[from & 7] < size) size = rec->args[from & 7];
    CLAMP(size, SV_PTR_BYTES);
    b->addr = rec->args[i];
    b->arg = i;
    b->size = size;
    b->read = 0;
    b->ok = 0;
    if (b->addr != 0 && size > 0) {
      b->read = 1;
      b->ok = bpf_probe_read_user(b->bytes, size, (const void*)b->addr) == 0;
    }
    ++n;
  }
  return n;
}

// The record's length: up to the end of its last buffer's bytes.
static __always_inline __u64 call_size(struct sv_call* rec) {
  __u64 last;
  __u32 before;  // whole buffers before the last one
  switch (rec->nbuf) {
    case 0:
      return __builtin_offsetof(struct sv_call, buf);
    case 1:
      last = rec->buf[0].size, before = 0;
      break;
    case 2:
      last = rec->buf[1].size, before = 1;
      break;
    case 3:
      last = rec->buf[2].size, before = 2;
      break;
    default:
      last = rec->buf[3].size, before = 3;
      break;
  }
  __u64 size = __builtin_offsetof(struct sv_call, buf) + before * SV_BUFFER_STRIDE +
               __builtin_offsetof(struct sv_buffer, bytes) + ((last + 7) & ~7ull);
  CLAMP(size, sizeof(struct sv_call));
  return size;
}

static __always_inline void emit_call(struct sv_call* rec) {
  __u64 size = call_size(rec);
  if (size < sizeof(struct sv_header) || bpf_ringbuf_output(&records, rec, size, wakeup_flags()))
    count_drop();
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs* regs, long id) {
  struct sv_sys_rule* rule = rule_of(id);
  if (!rule) return 0;
  struct task_struct* task = bpf_get_current_task_btf();
#if defined(__TARGET_ARCH_x86)
  if (task->thread_info.status & TS_COMPAT) return 0;  // another ABI: another numbering
#endif
  if (!member(task->pid)) return 0;
  struct pending_call* p = bpf_task_storage_get(&calls, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!p) {
    count_drop();
    return 0;
  }
  struct sv_call* rec = &p->rec;
#pragma unroll
  for (int i = 0; i < 6; ++i) rec->args[i] = syscall_arg(regs, i);
  int cmd = -1;
  if (!wanted(rule, rec->args, &cmd)) return 0;
  p->active = 1;
  rec->nr = id;
  rec->enter_ns = bpf_ktime_get_ns();
  rec->nbuf = copy_pointers(rec, rule, 0, SV_PTR_IN, cmd);
  if (rule->frame_mask_offset != 0 && rec->nbuf == 0) {
    struct sv_buffer* b = &rec->buf[0];
    b->addr = PT_REGS_SP(regs) + rule->frame_mask_offset;
    b->arg = 0;
    b->size = 8;
    b->read = 1;
    b->ok = bpf_probe_read_user(b->bytes, 8, (const void*)b->addr) == 0;
    rec->nbuf = 1;
  }
  return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs* regs, long ret) {
  long id = syscall_nr(regs);
  struct sv_sys_rule* rule = rule_of(id);
  // rt_sigreturn restores the registers it returns to: the number reads -1 then.
  if (!rule && id != -1) return 0;
  struct task_struct* task = bpf_get_current_task_btf();
  struct pending_call* p = bpf_task_storage_get(&calls, task, 0, 0);
  if (!p || !p->active) return 0;
  if (!rule) {
    id = p->rec.nr;
    rule = rule_of(id);
    if (!rule) return 0;
  }
  // A task with SIGKILL pending never returns to user space: its call is written at its
  // exit, unfinished, as strace shows "pause( <unfinished ...>)".
  if (task->pending.signal.sig[0] & (1ull << (SIGKILL - 1))) return 0;
  p->active = 0;
  struct sv_call* rec = &p->rec;
  if (rec->nr != id) return 0;  // not the call that entered (never, but cheap to check)
  fill_header(&rec->h, SV_REC_CALL);
  rec->ret = ret;
  rec->unfinished = 0;
  bpf_get_current_comm(rec->comm, sizeof(rec->comm));
  // Out-parameters mean something only after a success (strace prints them so).
  if (ret >= 0) rec->nbuf = copy_pointers(rec, rule, rec->nbuf, SV_PTR_OUT, -1);
  emit_call(rec);
  return 0;
}

// A member that dies inside a recorded call (killed in pause(), ...): its call is written
// unfinished, as strace prints "<unfinished ...>".
static __always_inline void flush_unfinished(struct task_struct* p) {
  struct pending_call* pc = bpf_task_storage_get(&calls, p, 0, 0);
  if (!pc || !pc->active) return;
  pc->active = 0;
  fill_header(&pc->rec.h, SV_REC_CALL);
  pc->rec.ret = 0;
  pc->rec.unfinished = 1;
  bpf_get_current_comm(pc->rec.comm, sizeof(pc->rec.comm));
  emit_call(&pc->rec);
}
