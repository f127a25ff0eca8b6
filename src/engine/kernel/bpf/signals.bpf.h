// The kernel engine's programs, part of kernel_engine.bpf.c (included there: one BPF
// object): every signal sent to a member, with its sender; deliveries.
#pragma once

static __always_inline void task_ref(struct sv_task_ref* ref, struct task_struct* t) {
  ref->tid = BPF_CORE_READ(t, pid);
  ref->tgid = BPF_CORE_READ(t, tgid);
  ref->uid = BPF_CORE_READ(t, real_cred, uid.val);
  ref->pad = 0;
  bpf_probe_read_kernel_str(ref->comm, sizeof(ref->comm), &t->comm);
}

// A signal sent to a member, from anywhere: the sender is the current task.
SEC("tp_btf/signal_generate")
int BPF_PROG(on_signal_generate, int sig, struct kernel_siginfo* info, struct task_struct* task,
             int group, int result) {
  __u32 target_tid = task->pid;
  if (!member(target_tid)) return 0;
  struct sv_send* r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
  if (!r) {
    count_drop();
    return 0;
  }
  fill_header(&r->h, SV_REC_SEND);
  r->target_tid = target_tid;
  r->target_tgid = task->tgid;
  r->sig = sig;
  r->group = group;
  r->result = result;
  r->sender_uid = (__u32)bpf_get_current_uid_gid();
  r->sender_member = member((__u32)bpf_get_current_pid_tgid()) != 0;
  r->pad = 0;
  r->cgroup_id = bpf_get_current_cgroup_id();
  bpf_get_current_comm(r->comm, sizeof(r->comm));
  // SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) carry no siginfo.
  r->info_ok = (__u64)info > 1;
  r->code = 0;
  if (r->info_ok) {
    bpf_probe_read_kernel(r->info, sizeof(r->info), info);
    r->code = BPF_CORE_READ(info, si_code);
  } else {
    __builtin_memset(r->info, 0, sizeof(r->info));
    r->code = (__u64)info == 1 ? 0x80 /* SI_KERNEL */ : 0 /* SI_USER */;
  }
  struct task_struct* t = (struct task_struct*)bpf_get_current_task_btf();
#pragma unroll
  for (int i = 0; i < SV_ANCESTORS; ++i) {
    t = BPF_CORE_READ(t, real_parent);
    if (t) {
      task_ref(&r->ancestors[i], t);
    } else {
      __builtin_memset(&r->ancestors[i], 0, sizeof(r->ancestors[i]));
    }
  }
  submit(r);
  return 0;
}

// A member takes a signal (its handler is about to run, or its default action).
SEC("tp_btf/signal_deliver")
int BPF_PROG(on_signal_deliver, int sig, struct kernel_siginfo* info, struct k_sigaction* ka) {
  if (!member((__u32)bpf_get_current_pid_tgid())) return 0;
  struct sv_deliver* r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
  if (!r) {
    count_drop();
    return 0;
  }
  fill_header(&r->h, SV_REC_DELIVER);
  r->sig = sig;
  r->code = 0;
  if ((__u64)info > 1) {
    bpf_probe_read_kernel(r->info, sizeof(r->info), info);
    r->code = BPF_CORE_READ(info, si_code);
  } else {
    __builtin_memset(r->info, 0, sizeof(r->info));
  }
  r->handler = (__u64)ka->sa.sa_handler;
  r->flags = ka->sa.sa_flags;
  bpf_get_current_comm(r->comm, sizeof(r->comm));
  submit(r);
  return 0;
}
