// The kernel engine's programs, part of kernel_engine.bpf.c (included there: one BPF
// object): tree membership, kept by the kernel at fork, exec, exit and free;
// the tree killed when sigvisor dies.
#pragma once

// A child joins when the task that made it is a member; a task that is not gets any stale
// entry for its new id removed (an id freed and given to a process outside the tree).
// task_newtask: the child has its ids, parent and exit signal, and has not run yet.
SEC("tp_btf/task_newtask")
int BPF_PROG(on_newtask, struct task_struct* child, u64 clone_flags) {
  __u32 child_tid = child->pid;
  if (!member((__u32)bpf_get_current_pid_tgid())) {
    bpf_map_delete_elem(&members, &child_tid);
    return 0;
  }
  struct sv_member m = {};
  m.tgid = child->tgid;
  m.ptgid = child->real_parent->tgid;
  m.task = (__u64)child;
  bpf_map_update_elem(&members, &child_tid, &m, BPF_ANY);

  struct sv_spawn* r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
  if (!r) {
    count_drop();
    return 0;
  }
  fill_header(&r->h, SV_REC_SPAWN);
  r->child_tid = child_tid;
  r->child_tgid = m.tgid;
  r->child_ptgid = m.ptgid;
  r->thread = (clone_flags & CLONE_THREAD) != 0;
  // As ptrace names them (kernel_clone): vfork, a clone with another exit signal, a fork.
  r->kind = (clone_flags & CLONE_VFORK)     ? SV_SPAWN_VFORK
            : child->exit_signal != SIGCHLD ? SV_SPAWN_CLONE
                                            : SV_SPAWN_FORK;
  r->pad = 0;
  bpf_get_current_comm(r->comm, sizeof(r->comm));
  submit(r);
  return 0;
}

// exec: a non-leader that exec'd took the leader's id and freed its own.
#ifndef MNT_NOSUID
#define MNT_NOSUID 0x01 /* include/linux/mount.h: a macro, not in the BTF */
#endif

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
  __u32 tid = p->pid;
  struct sv_member* m = member(tid);
  if (!m) return 0;
  m->task = (__u64)p;
  __u32 old = old_pid;
  if (old != tid) bpf_map_delete_elem(&members, &old);

  struct sv_exec* r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
  if (!r) {
    count_drop();
    return 0;
  }
  fill_header(&r->h, SV_REC_EXEC);
  r->old_tid = old;
  bpf_get_current_comm(r->comm, sizeof(r->comm));
  const char* filename = bprm->filename;
  bpf_probe_read_kernel_str(r->path, sizeof(r->path), filename);
  struct file* file = bprm->file;
  r->file_mode = file->f_inode->i_mode;
  r->file_uid = file->f_inode->i_uid.val;
  r->file_gid = file->f_inode->i_gid.val;
  r->nosuid = (file->f_path.mnt->mnt_flags & MNT_NOSUID) != 0;
  r->euid = p->cred->euid.val;
  r->egid = p->cred->egid.val;
  unsigned long start = p->mm->arg_start;
  unsigned long end = p->mm->arg_end;
  __u64 len = end > start ? end - start : 0;
  CLAMP(len, SV_ARGV_LEN);
  r->argv_len = 0;
  if (len > 0 && bpf_probe_read_user(r->argv, len, (const void*)start) == 0) r->argv_len = len;
  submit(r);
  return 0;
}

// Kills every process of the tree from the kernel: sigvisor is gone, and nothing may run on
// unrecorded and undecided. Two passes, the roots (the program's first process) first: a
// runner killed after its worker could still run and see the worker die, which it never
// sees when the tree is killed top down.
struct kill_pass {
  int roots;
};

static long kill_member(struct bpf_map* map, __u32* tid, struct sv_member* m,
                        struct kill_pass* pass) {
  if (*tid != m->tgid || m->exited) return 0;  // one signal per process, to its leader
  if ((m->ptgid == 0) != (pass->roots != 0)) return 0;
  struct task_struct* t = bpf_task_from_pid(m->tgid);
  if (t) {
    bpf_send_signal_task(t, SIGKILL, PIDTYPE_TGID, 0);
    bpf_task_release(t);
  }
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct* p) {
  __u32 tid = p->pid;
  __u32 tgid = p->tgid;
  const int group_dead = p->signal->live.counter == 0;
  if (tgid == loader_tgid && group_dead) {
    struct kill_pass roots = {1}, rest = {0};
    bpf_for_each_map_elem(&members, kill_member, &roots, 0);
    bpf_for_each_map_elem(&members, kill_member, &rest, 0);
    return 0;
  }
  struct sv_member* m = member(tid);
  if (!m) return 0;
  m->exited = 1;
  flush_unfinished(p);
  struct sv_exit* r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
  if (!r) {
    count_drop();
    return 0;
  }
  fill_header(&r->h, SV_REC_EXIT);
  int code = p->exit_code;
  if (group_dead && (p->signal->flags & 0x00000004 /* SIGNAL_GROUP_EXIT */))
    code = p->signal->group_exit_code;
  r->exit_code = code;
  r->group_dead = group_dead;
  bpf_get_current_comm(r->comm, sizeof(r->comm));
  submit(r);
  return 0;
}

// The task is freed (reaped, and an RCU grace period later): its id may already be another
// task's, so only the entry that still names this task goes.
SEC("tp_btf/sched_process_free")
int BPF_PROG(on_free, struct task_struct* p) {
  __u32 tid = p->pid;
  struct sv_member* m = member(tid);
  if (m && m->task == (__u64)p) bpf_map_delete_elem(&members, &tid);
  return 0;
}
