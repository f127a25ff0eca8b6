// sigvisor's command-line edge: parse options, open outputs, load the policy, run.
// Usage errors and bad policies exit 2 with one line; otherwise the program's status.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/byte_size.h"
#include "cli/trace_set.h"
#include "doctor.h"
#include "engine/supervisor.h"
#include "kernel/kernel_features.h"
#include "names/signal_names.h"
#include "options.h"
#include "policy/policy.h"

namespace {

constexpr int kUsageError = 2;
// The engine when neither --engine nor $SIGVISOR_ENGINE chooses one.
constexpr const char* kDefaultEngine = "notify";

sigvisor::ExitPlan fail(const std::string& message) {
  std::cerr << "sigvisor: " << message << '\n';
  return sigvisor::ExitPlan{kUsageError, 0};
}

// -P NAME finds a shipped policy: installed share/sigvisor/policies, then the source tree.
std::string find_policy(const std::string& arg) {
  if (arg.find('/') != std::string::npos || access(arg.c_str(), R_OK) == 0) return arg;
  std::string file = arg.size() > 5 && arg.substr(arg.size() - 5) == ".json" ? arg : arg + ".json";
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    // PREFIX/bin/sigvisor → PREFIX/share/sigvisor/policies (spelled without "..", so
    // the policy event's source names the file plainly).
    std::string prefix(self, static_cast<std::size_t>(n));
    prefix = prefix.substr(0, prefix.rfind('/'));
    prefix = prefix.substr(0, prefix.rfind('/'));
    std::string installed = prefix + "/share/sigvisor/policies/" + file;
    if (access(installed.c_str(), R_OK) == 0) return installed;
  }
  std::string source = std::string(SIGVISOR_SOURCE_POLICY_DIR) + "/" + file;
  if (access(source.c_str(), R_OK) == 0) return source;
  return arg;
}

struct File {
  std::FILE* f = nullptr;
  ~File() {
    if (f != nullptr && f != stderr && f != stdout) std::fclose(f);
  }
};

}  // namespace

// Everything but the very end: outputs are closed (flushed) when this returns, before
// sigvisor re-raises its program's fatal signal.
sigvisor::ExitPlan run_cli(int argc, char** argv) {
  using namespace sigvisor;
  std::string help;
  auto cli = parse_cli(argc, argv, help);
  if (!cli) return fail(cli.error().message);
  if (cli->help) {
    std::cout << help;
    return ExitPlan{};
  }
  if (cli->version) {
    std::cout << "sigvisor " << SIGVISOR_VERSION << '\n';
    return ExitPlan{};
  }
  if (cli->doctor) return ExitPlan{print_doctor(std::cout), 0};

  auto printed = parse_trace_set(cli->trace);
  if (!printed) return fail("-e trace=" + cli->trace + ": " + printed.error().message);
  std::bitset<kSysCount> results;
  if (cli->results) {
    auto r = parse_trace_set(*cli->results);
    if (!r) return fail("--results=" + *cli->results + ": " + r.error().message);
    results = *r;
  }

  Policy policy = Policy::trace_all();
  std::string policy_source = "builtin";
  if (!cli->policy.empty()) {
    policy_source = find_policy(cli->policy);
    auto loaded = Policy::load_file(policy_source);
    if (!loaded) return fail(loaded.error().message);
    policy = std::move(*loaded);
  }

  File main_out;
  main_out.f = stderr;
  if (!cli->output.empty()) {
    main_out.f = std::fopen(cli->output.c_str(), "we");
    if (main_out.f == nullptr) return fail(cli->output + ": " + std::strerror(errno));
  }
  File json_out;
  if (!cli->json_file.empty()) {
    json_out.f = std::fopen(cli->json_file.c_str(), "we");
    if (json_out.f == nullptr) return fail(cli->json_file + ": " + std::strerror(errno));
  }

  SupervisorOptions so;
  so.argv = cli->command;
  so.attach = cli->attach;
  if (!cli->user.empty()) {
    auto r = resolve_run_as(cli->user);
    if (!r) return fail(r.error().message);
    so.run_as = std::move(*r);
  }
  if (so.run_as && !so.attach.empty()) {
    return fail("--user cannot be combined with -p: an attached process keeps its user");
  }
  if (policy.requires_user() && geteuid() == 0 && !so.run_as && so.attach.empty()) {
    return fail("-P " + cli->policy + ": policy \"" + policy.name() +
                "\" will not run a program as root: name an unprivileged user with --user USER");
  }
  if (cli->format == "json") {
    so.json = main_out.f;
    if (json_out.f != nullptr) return fail("--json FILE cannot be combined with --format json");
  } else {
    so.text = main_out.f;
    so.text_is_file = !cli->output.empty();
    so.json = json_out.f;
  }
  // -c: the text shows only the table (as strace -c); JSON events, when asked for, are
  // all still written. Without a JSON output no call event is needed at all.
  so.printed = cli->summary && so.json == nullptr ? std::bitset<kSysCount>() : *printed;
  so.results = results;
  so.summary = cli->summary;
  so.policy = &policy;
  so.policy_source = policy_source;
  so.timeout_s = cli->timeout;
  auto timeout_signal = signal_by_name(cli->timeout_signal);
  if (!timeout_signal || *timeout_signal <= 0) {
    return fail("--timeout-signal " + cli->timeout_signal + ": unknown signal");
  }
  so.timeout_signal = *timeout_signal;
  so.kill_after_s = cli->kill_after;
  so.graph_file = cli->graph;
  // A launched tree enters Landlock's signal scope where the kernel has it. Where it has
  // not, the engine is not asked for it (it would warn on every run): the policy event
  // records the missing backstop, and stderr says so once a refusal lacked it
  // (run/kernel_notes.h).
  so.landlock =
      !cli->no_landlock && (!so.attach.empty() || missing(Feature::landlock_signal_scope).empty());
  so.kernel_trace = !cli->no_kernel_trace;
  // --engine, else $SIGVISOR_ENGINE (a CI job's whole environment can choose), else the
  // default.
  std::string engine = cli->engine;
  if (!engine.empty()) so.engine_chosen_by = "--engine";
  if (const char* env = std::getenv("SIGVISOR_ENGINE"); engine.empty() && env != nullptr) {
    engine = env;
    so.engine_chosen_by = "SIGVISOR_ENGINE";
    if (engine != "auto" && engine != "kernel" && engine != "notify") {
      return fail("SIGVISOR_ENGINE=" + engine + ": expected auto, kernel or notify");
    }
  }
  if (engine.empty()) engine = kDefaultEngine;
  so.engine = engine == "kernel"   ? Engine::kernel
              : engine == "notify" ? Engine::notify
                                   : Engine::auto_;
  if (!cli->buffer.empty()) {
    auto bytes = parse_byte_size(cli->buffer);
    if (!bytes) return fail("--buffer " + bytes.error().message);
    auto size = ring_buffer_size(*bytes);
    if (!size) return fail(size.error().message);
    so.buffer_bytes = *size;
  }
  so.relay_terminal = cli->pty || (!cli->no_pty && policy.terminal() == TerminalMode::relay);

  auto plan = run_supervised(so);
  if (!plan) {
    std::cerr << "sigvisor: " << plan.error().message << '\n';
    return ExitPlan{1, 0};
  }
  return *plan;
}

int main(int argc, char** argv) {
  return sigvisor::exit_as(run_cli(argc, argv));
}
