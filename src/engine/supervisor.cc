// See supervisor.h. The one place that knows which engines exist and chooses between them:
// the one asked for, or auto's choice (the kernel engine where it can honour the whole
// request, else the notify engine), said in the run's `engine` event.
#include "engine/supervisor.h"

#include "engine/notify/notify_engine.h"
#ifdef SIGVISOR_KERNEL_ENGINE
#include "engine/kernel/kernel_engine.h"
#include "engine/kernel/kernel_support.h"
#endif

namespace sigvisor {
namespace {

// "asked for (--engine kernel)", "asked for (SIGVISOR_ENGINE=notify)", "the default".
std::string asked(const SupervisorOptions& opts, const char* engine) {
  if (opts.engine_chosen_by.empty()) return "the default";
  const char* sep = opts.engine_chosen_by == "--engine" ? " " : "=";
  return "asked for (" + opts.engine_chosen_by + sep + engine + ")";
}

// How the user asked for the kernel engine, to begin a refusal with.
std::string kernel_label(const SupervisorOptions& opts) {
  return opts.engine_chosen_by == "SIGVISOR_ENGINE" ? "SIGVISOR_ENGINE=kernel" : "--engine kernel";
}

Result<ExitPlan> run_notify(const SupervisorOptions& opts, std::string reason) {
  SupervisorOptions o = opts;
  o.engine_reason = std::move(reason);
  return run_notify_engine(o);
}

#ifdef SIGVISOR_KERNEL_ENGINE
// Why the kernel engine cannot take this run, or nullopt.
std::optional<std::string> kernel_refusal(const SupervisorOptions& opts) {
  if (auto missing = kernel_engine_missing()) return missing;
  return kernel_engine_refuses(opts);
}
#endif

}  // namespace

Result<ExitPlan> run_supervised(const SupervisorOptions& opts) {
  if (opts.engine == Engine::notify) return run_notify(opts, asked(opts, "notify"));
#ifdef SIGVISOR_KERNEL_ENGINE
  const bool asked_for_kernel = opts.engine == Engine::kernel;
  if (auto why = kernel_refusal(opts)) {
    if (asked_for_kernel) return make_error(kernel_label(opts) + ": " + *why);
    return run_notify(opts, "auto: the kernel engine cannot run: " + *why);
  }
  auto start = prepare_kernel_engine(opts);
  if (!start) {
    if (asked_for_kernel) return make_error(kernel_label(opts) + ": " + start.error().message);
    return run_notify(opts, "auto: the kernel engine cannot run: " + start.error().message);
  }
  SupervisorOptions o = opts;
  o.engine_reason = asked_for_kernel ? asked(opts, "kernel")
                                     : "auto: root, the kernel's BTF, and its BPF programs loaded";
  return run_kernel_engine(o, std::move(*start));
#else
  if (opts.engine == Engine::kernel) {
    return make_error(
        "--engine kernel: this sigvisor was built without the kernel engine "
        "(libbpf, bpftool, clang or the kernel's BTF were missing at build time)");
  }
  return run_notify(opts, "auto: this sigvisor was built without the kernel engine");
#endif
}

}  // namespace sigvisor
