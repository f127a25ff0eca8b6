// See options.h. The command to run starts at `--` or at the first word that is not an
// option or an option's value, so `sigvisor ls -l` works like `strace ls -l`.
#include "options.h"

#include <boost/program_options.hpp>
#include <set>
#include <sstream>

#include "cli/pid_list.h"

namespace sigvisor {
namespace po = boost::program_options;

namespace {

// Options whose value may be the next word.
const std::set<std::string> kTakesValue = {
    "-P", "--policy",  "-o",       "--output",         "--format",     "--json",
    "-e", "--timeout", "--graph",  "--timeout-signal", "--kill-after", "--user",
    "-p", "--attach",  "--engine", "--buffer"};

int command_start(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") return i;
    if (a.empty() || a[0] != '-') return i;
    if (kTakesValue.count(a) != 0) ++i;
  }
  return argc;
}

}  // namespace

Result<CliOptions> parse_cli(int argc, char** argv, std::string& help_text) {
  CliOptions o;
  po::options_description desc(
      "Usage: sigvisor [options] [--] PROG [ARGS...]\n"
      "       sigvisor [options] -p PID[,PID...]\n"
      "Runs PROG under seccomp user notification and ptrace (or attaches to running\n"
      "processes with ptrace alone), and records (and polices) every signal it sends,\n"
      "blocks, waits for or receives.\n\nOptions");
  // clang-format off
  desc.add_options()
      ("help,h", po::bool_switch(&o.help), "print this help and exit")
      ("version", po::bool_switch(&o.version), "print the version and exit")
      ("doctor", po::bool_switch(&o.doctor),
       "report what this kernel can do for sigvisor (each feature, the kernel it needs, "
       "what sigvisor does without it) and exit: 0 when sigvisor can run here, 1 when not")
      ("policy,P", po::value(&o.policy)->value_name("FILE|NAME"),
       "policy file, or the name of a shipped policy (trace, ci-isolation, ci-denials, "
       "untrusted); default: allow and record everything")
      ("output,o", po::value(&o.output)->value_name("FILE"),
       "write the trace to FILE instead of stderr")
      ("format", po::value(&o.format)->value_name("text|json"),
       "format of the main output: strace-style text (default) or JSON Lines")
      ("json", po::value(&o.json_file)->value_name("FILE"),
       "also write JSON Lines events to FILE")
      ("graph", po::value(&o.graph)->value_name("FILE.dot"),
       "write the who-signalled-whom graph to FILE (DOT; SVG next to it if Graphviz is "
       "installed)")
      (",e", po::value<std::string>()->value_name("trace=SET"),
       "which syscalls to print: names or families (send, mask, action, wait, fd, stack), "
       "'all', 'none', '!SET'")
      ("results", po::value<std::string>()->implicit_value("all")->value_name("SET"),
       "route SET (default all) through ptrace so results are known, as strace shows them "
       "(slower)")
      ("summary,c", po::bool_switch(&o.summary),
       "print a per-syscall table (calls, errors, denied, time) at exit instead of each call")
      ("timeout", po::value(&o.timeout)->value_name("SEC"),
       "after SEC seconds, send --timeout-signal to the whole tree (stopped processes are "
       "continued) and exit 124, as timeout(1)")
      ("timeout-signal", po::value(&o.timeout_signal)->value_name("SIG"),
       "the signal --timeout sends (default TERM; KILL ends the tree at once)")
      ("kill-after", po::value(&o.kill_after)->value_name("SEC"),
       "SIGKILL what is left of the tree SEC seconds after --timeout or after the first "
       "signal to sigvisor was passed on to the program (default: never; every signal to "
       "sigvisor is passed on)")
      ("user", po::value(&o.user)->value_name("USER[:GROUP]"),
       "run the program as USER (and GROUP; USER's supplementary groups), with no "
       "capabilities left, as strace -u (sigvisor must be root)")
      ("attach,p", po::value<std::vector<std::string>>()->composing()->value_name("PID[,PID...]"),
       "attach to running processes (all their threads, and the children they start) "
       "instead of running a program; repeatable. The slower path: without a filter every "
       "syscall stops twice, and results are always shown (--results is implied). "
       "SIGINT/SIGTERM detach, and the processes run on")
      ("no-landlock", po::bool_switch(&o.no_landlock),
       "do not confine the tree with Landlock's signal scope (applied when the policy "
       "forbids outside targets and the kernel has Landlock ABI 6)")
      ("no-kernel-trace", po::bool_switch(&o.no_kernel_trace),
       "do not use the kernel's signal_generate trace (a private tracefs instance, root "
       "only) that names the senders of SIGKILL and of signals from outside the tree")
      ("pty", po::bool_switch(&o.pty),
       "when stdin is a terminal, run the program on a pseudo-terminal of its own that "
       "sigvisor relays (the policy's \"terminal\": \"relay\", as untrusted has it): it "
       "never holds your terminal")
      ("no-pty", po::bool_switch(&o.no_pty),
       "let the program share sigvisor's terminal even if the policy asks for a relay")
      ("engine", po::value(&o.engine)->value_name("auto|kernel|notify"),
       "kernel: follow the tree and record calls and senders in the kernel (eBPF; root, the "
       "kernel's BTF); notify: seccomp user notification and ptrace (any user, no loss); "
       "auto: kernel where it can honour the whole request, else notify")
      ("buffer", po::value(&o.buffer)->value_name("SIZE"),
       "the kernel engine's ring buffer (default 8M; K, M, G; rounded up to a power of two): "
       "records it cannot hold are dropped, counted and reported");
  // clang-format on
  std::ostringstream h;
  h << desc;
  help_text = h.str();

  int start = command_start(argc, argv);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(start, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return make_error(e.what());
  }
  if (vm.count("-e") != 0) {
    std::string e = vm["-e"].as<std::string>();
    if (e.rfind("trace=", 0) != 0) {
      return make_error("-e " + e + ": only trace=SET is supported");
    }
    o.trace = e.substr(6);
  }
  if (vm.count("results") != 0) o.results = vm["results"].as<std::string>();
  if (vm.count("timeout") != 0 && !(o.timeout > 0 && o.timeout < 1e9)) {
    std::ostringstream v;
    v << o.timeout;
    return make_error("--timeout " + v.str() + ": expected a positive number of seconds");
  }
  if (vm.count("kill-after") != 0 && !(o.kill_after > 0 && o.kill_after < 1e9)) {
    std::ostringstream v;
    v << o.kill_after;
    return make_error("--kill-after " + v.str() + ": expected a positive number of seconds");
  }
  if (o.pty && o.no_pty) return make_error("--pty cannot be combined with --no-pty");
  if (!o.engine.empty() && o.engine != "auto" && o.engine != "kernel" && o.engine != "notify") {
    return make_error("--engine " + o.engine + ": expected auto, kernel or notify");
  }
  if (o.format != "text" && o.format != "json") {
    return make_error("--format " + o.format + ": expected text or json");
  }
  if (start < argc && std::string(argv[start]) == "--") ++start;
  for (int i = start; i < argc; ++i) o.command.emplace_back(argv[i]);
  if (vm.count("attach") != 0) {
    auto pids = parse_pid_list(vm["attach"].as<std::vector<std::string>>());
    if (!pids) return make_error(pids.error().message);
    o.attach = std::move(*pids);
    // strace traces both; one front end per run keeps exit status and ending simple.
    if (!o.command.empty()) return make_error("-p cannot be combined with a program to run");
    if (o.pty)
      return make_error("--pty cannot be combined with -p: an attached process keeps its terminal");
  }
  if (o.doctor && (!o.command.empty() || !o.attach.empty())) {
    return make_error("--doctor takes no program and no -p: it only reports on the kernel");
  }
  if (o.command.empty() && o.attach.empty() && !o.help && !o.version && !o.doctor) {
    return make_error(
        "no program to run (usage: sigvisor [options] [--] PROG [ARGS...] or -p PID)");
  }
  return o;
}

}  // namespace sigvisor
