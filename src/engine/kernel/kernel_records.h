/* The records the kernel engine's BPF programs (kernel_engine.bpf.c) write into the ring
 * buffer and the settings user space gives them: one header for both sides, C, fixed sizes,
 * no pointers (libbpf-tools' NAME.h). User space turns records into the same CallData and
 * events the notify engine builds (record_reader.h), so the decoders print both alike. */
#pragma once

#ifndef __bpf__
#include <linux/types.h>
#endif

#define SV_COMM_LEN 16
#define SV_MAX_PTRS 4    /* pointer arguments copied per call (rt_sigtimedwait has 3) */
#define SV_PTR_BYTES 128 /* as CallData's UserBuffer: a siginfo */
#define SV_MAX_NR 512    /* syscall numbers the settings table covers */
#define SV_PATH_LEN 256
#define SV_ARGV_LEN 512
#define SV_ANCESTORS 3 /* a sender's parent chain: parent, grandparent, great-grandparent */

enum sv_record_type {
  SV_REC_CALL = 1, /* a recorded call returned (or its task died in it) */
  SV_REC_SPAWN,    /* a member forked or cloned: the child joined */
  SV_REC_EXEC,     /* a member exec'd */
  SV_REC_EXIT,     /* a member thread exited (the process, when group_dead) */
  SV_REC_SEND,     /* signal_generate with a member as the target */
  SV_REC_DELIVER,  /* signal_deliver in a member */
};

/* How a pointer argument is copied (per syscall number, per argument). */
enum sv_ptr_dir { SV_PTR_NONE = 0, SV_PTR_IN = 1, SV_PTR_OUT = 2 };

struct sv_arg_rule {
  __u8 dir;      /* enum sv_ptr_dir */
  __u8 size_arg; /* 0xff: `size` bytes; else the value of that argument, capped at `size` */
  __u16 size;
};

#define SV_MAX_CMDS 8 /* intercepted commands of one syscall (ioctl has 7) */

/* Which calls of a number are recorded: all, those whose argument `cond_arg` is a
 * positive int (prlimit64 of another process, setpgid into a named group), or those with
 * one of the intercepted commands (fcntl, ioctl, prctl): as the notify engine's filter
 * routes them, so both engines show the same calls. */
enum sv_cond { SV_COND_NONE = 0, SV_COND_POSITIVE = 1, SV_COND_COMMAND = 2 };

struct sv_command {
  __u32 cmd;      /* the command argument's low 32 bits */
  __u32 only_arg; /* with has_only_arg: the by_arg argument's low 32 bits must equal it */
  __u8 has_only_arg;
  __u8 by_dir; /* what the by_arg argument is for this command: SV_PTR_IN or none */
  __u16 by_size;
};

/* The settings of one syscall number (an array map indexed by number). */
struct sv_sys_rule {
  __u8 record; /* 1: member calls of this number are recorded in the kernel */
  __u8 cond;   /* enum sv_cond */
  __u8 cond_arg;
  __u8 by_arg; /* SV_COND_COMMAND: the argument whose kind the command decides */
  /* Nonzero: a sigset read at the stack pointer plus this offset is the call's buffer for
   * argument 0 (rt_sigreturn: the mask it restores, from the signal frame). */
  __s32 frame_mask_offset;
  struct sv_arg_rule args[6];
  __u32 ncmds;
  struct sv_command cmds[SV_MAX_CMDS];
};

struct sv_header {
  __u32 type; /* enum sv_record_type */
  __u32 tid;
  __u32 tgid;
  __u32 cpu;
  __u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC, as the event sink's clock */
};

struct sv_buffer {
  __u64 addr;
  __u8 arg;  /* the argument it describes */
  __u8 read; /* a read was attempted */
  __u8 ok;   /* all `size` bytes were read */
  __u8 pad;
  __u16 size;
  __u16 pad2;
  __u8 bytes[SV_PTR_BYTES];
};

/* A recorded call, written when it returns (one record per call; a task that died inside
 * the call has its record written at its exit, `unfinished`). Buffers follow in argument
 * order, SV_BUFFER_STRIDE bytes apart; the record ends after the last one's bytes (rounded
 * up to 8), so a call with one 8-byte sigset is ~150 bytes. */
struct sv_call {
  struct sv_header h;
  __s64 nr;
  __s64 ret;
  __u64 args[6];
  __u64 enter_ns;
  __u32 nbuf;
  __u32 unfinished;
  char comm[SV_COMM_LEN];
  struct sv_buffer buf[SV_MAX_PTRS];
};
#define SV_BUFFER_STRIDE sizeof(struct sv_buffer)

enum sv_spawn_kind { SV_SPAWN_FORK = 0, SV_SPAWN_VFORK = 1, SV_SPAWN_CLONE = 2 };

struct sv_spawn {
  struct sv_header h; /* the parent thread */
  __u32 child_tid;
  __u32 child_tgid;
  __u32 child_ptgid; /* the new process's parent process (CLONE_PARENT: not the caller) */
  __u32 kind;        /* enum sv_spawn_kind, as ptrace tells them apart */
  __u32 thread;      /* CLONE_THREAD */
  __u32 pad;
  char comm[SV_COMM_LEN];
};

struct sv_exec {
  struct sv_header h; /* tid: the exec'ing thread's id now (the leader's) */
  __u32 old_tid;      /* its id before, when a non-leader thread exec'd */
  __u32 argv_len;
  /* What the image would give and what the process got (exec_privileges.h): the file's
   * mode and owner, whether its mount is nosuid, the credentials after the exec. */
  __u32 file_mode;
  __u32 file_uid;
  __u32 file_gid;
  __u32 nosuid;
  __u32 euid;
  __u32 egid;
  char comm[SV_COMM_LEN];
  char path[SV_PATH_LEN];
  char argv[SV_ARGV_LEN]; /* NUL-separated, as the new image's stack holds them */
};

struct sv_exit {
  struct sv_header h;
  __s32 exit_code; /* a wait status: the thread's, or the group's when group_dead */
  __u32 group_dead;
  char comm[SV_COMM_LEN];
};

struct sv_task_ref {
  __u32 tid;
  __u32 tgid;
  __u32 uid;
  __u32 pad;
  char comm[SV_COMM_LEN];
};

struct sv_send {
  struct sv_header h; /* the sender (current): tid, tgid */
  __u32 target_tid;
  __u32 target_tgid;
  __s32 sig;
  __s32 code;
  __s32 group;  /* a group-directed send (kill, not tkill) */
  __s32 result; /* TRACE_SIGNAL_DELIVERED, _IGNORED, _ALREADY_PENDING, _OVERFLOW_FAIL, _LOSE_INFO */
  __u32 sender_uid;
  __u32 info_ok;       /* `info` holds the kernel's siginfo (not SEND_SIG_NOINFO / PRIV) */
  __u32 sender_member; /* the sender is a member of the tree (at the moment of the send) */
  __u32 pad;
  __u64 cgroup_id;
  char comm[SV_COMM_LEN];
  struct sv_task_ref ancestors[SV_ANCESTORS];
  __u8 info[SV_PTR_BYTES];
};

struct sv_deliver {
  struct sv_header h; /* the receiving thread */
  __s32 sig;
  __s32 code;
  __u64 handler;
  __u64 flags; /* sa_flags */
  char comm[SV_COMM_LEN];
  __u8 info[SV_PTR_BYTES];
};

/* A member of the tree (hash map keyed by thread id). */
struct sv_member {
  __u32 tgid;
  __u32 ptgid; /* the parent process, 0 for a root (the launched program, an attached one) */
  __u64 task;  /* the task_struct's address: which task holds the id (never dereferenced) */
  __u32 exited;
  __u32 pad;
};
