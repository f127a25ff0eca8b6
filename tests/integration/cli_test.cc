// The command line as users meet it: --help lists every option the parser accepts (the
// list comes from tracer/options.cc at test time, so new options are covered without
// editing this file), every listed option is accepted, and --version prints the version.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "harness.h"

namespace sigvisor::test {
namespace {

struct SourceOption {
  std::string long_name;   // "policy" (empty for short-only options such as -e)
  std::string short_name;  // "P" (empty when none)
  bool takes_value = false;
  bool implicit_value = false;  // --results[=SET]
  std::string value_name;       // "FILE|NAME"
};

// Every ("long,s", ...) entry of desc.add_options() in tracer/options.cc, with what
// follows it up to the next entry (to see po::value / value_name / implicit_value).
std::vector<SourceOption> options_in_source() {
  std::string src = read_file(std::string(SIGVISOR_SOURCE_DIR) + "/tracer/options.cc");
  std::size_t begin = src.find("add_options()");
  if (begin == std::string::npos) return {};
  src = src.substr(begin);
  std::regex entry(R"(\(\s*"([a-z0-9-]*)(?:,([A-Za-z]))?"\s*,)");
  std::vector<SourceOption> out;
  std::vector<std::size_t> starts;
  for (auto it = std::sregex_iterator(src.begin(), src.end(), entry); it != std::sregex_iterator();
       ++it) {
    SourceOption o;
    o.long_name = (*it)[1];
    o.short_name = (*it)[2];
    if (o.long_name.empty() && o.short_name.empty()) continue;
    out.push_back(o);
    starts.push_back(static_cast<std::size_t>(it->position()));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::size_t end = i + 1 < starts.size() ? starts[i + 1] : src.find(';', starts[i]);
    std::string body = src.substr(starts[i], end - starts[i]);
    out[i].takes_value = body.find("po::value") != std::string::npos;
    out[i].implicit_value = body.find("implicit_value") != std::string::npos;
    std::smatch m;
    if (std::regex_search(body, m, std::regex(R"(value_name\(\s*"([^"]*)\")"))) {
      out[i].value_name = m[1];
    }
  }
  return out;
}

std::string help_text() {
  Outcome r = run_native({SIGVISOR_BIN, "--help"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  return r.out;
}

// Option spellings at the start of help lines: "-P", "--policy", "--version", "-e".
std::set<std::string> options_in_help(const std::string& help) {
  std::set<std::string> out;
  std::regex line(
      R"(^  (?:(-[A-Za-z])(?: \[ (--[a-z][a-z0-9-]*) \])?|(--[a-z][a-z0-9-]*))(?: |$))");
  std::istringstream in(help);
  std::string l;
  while (std::getline(in, l)) {
    std::smatch m;
    if (!std::regex_search(l, m, line)) continue;
    for (int i = 1; i <= 3; ++i) {
      if (m[i].matched) out.insert(m[i]);
    }
  }
  return out;
}

// A value the parser accepts for a value name: FILE|NAME → "trace", text|json → "text",
// trace=SET → "trace=all", SEC → "30", FILE → /dev/null. Empty when there is no rule:
// the test then asks for one (a new value name needs a sample here).
std::string sample_value(const std::string& value_name, const std::string& dir) {
  static const std::map<std::string, std::string> known = {
      {"FILE|NAME", "trace"}, {"text|json", "text"}, {"trace=SET", "trace=all"},
      {"SET", "all"},         {"SEC", "30"},         {"FILE", "/dev/null"},
      {"FILE.dot", ""},       {"SIG", "TERM"},       {"USER[:GROUP]", "nobody"},
      {"PID[,PID...]", "1"},  {"SIZE", "1M"}};
  if (value_name == "FILE.dot") return dir + "/graph.dot";
  if (auto it = known.find(value_name); it != known.end()) return it->second;
  if (auto bar = value_name.find('|'); bar != std::string::npos) {
    std::string first = value_name.substr(0, bar);
    if (first.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) return first;
  }
  if (value_name.find("FILE") != std::string::npos) return dir + "/out";
  if (value_name == "N" || value_name.find("SEC") != std::string::npos) return "5";
  return {};
}

const SourceOption* find(const std::vector<SourceOption>& opts, const std::string& spelling) {
  for (const auto& o : opts) {
    if (spelling == "--" + o.long_name || (!o.short_name.empty() && spelling == "-" + o.short_name))
      return &o;
  }
  return nullptr;
}

TEST(Cli, VersionPrintsNameAndVersion) {
  Outcome r = run_native({SIGVISOR_BIN, "--version"});
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.out, "sigvisor 0.1.0\n");
}

TEST(Cli, HelpListsEveryOptionOfTheSource) {
  auto source = options_in_source();
  ASSERT_GE(source.size(), 9u) << "could not find the options in tracer/options.cc";
  std::string help = help_text();
  auto listed = options_in_help(help);
  ASSERT_FALSE(listed.empty()) << help;
  for (const auto& o : source) {
    if (!o.long_name.empty())
      EXPECT_EQ(listed.count("--" + o.long_name), 1u)
          << "--" << o.long_name << " missing from --help:\n"
          << help;
    if (!o.short_name.empty())
      EXPECT_EQ(listed.count("-" + o.short_name), 1u)
          << "-" << o.short_name << " missing from --help:\n"
          << help;
  }
  // And nothing listed that the source does not define.
  for (const auto& spelling : listed) {
    EXPECT_NE(find(source, spelling), nullptr) << spelling << " is in --help but not in options.cc";
  }
}

TEST(Cli, EveryOptionInHelpIsAccepted) {
  auto source = options_in_source();
  std::string dir = "/tmp/sigvisor-cli-test-" + std::to_string(getpid());
  std::system(("mkdir -p " + dir).c_str());
  for (const auto& spelling : options_in_help(help_text())) {
    const SourceOption* o = find(source, spelling);
    ASSERT_NE(o, nullptr) << spelling;
    std::vector<std::string> argv = {SIGVISOR_BIN};
    if (o->takes_value) {
      std::string v = sample_value(o->value_name, dir);
      ASSERT_FALSE(v.empty()) << spelling << ": add a sample value for '" << o->value_name
                              << "' to sample_value() in cli_test.cc";
      if (spelling.rfind("--", 0) == 0) {
        argv.push_back(spelling + "=" + v);
      } else {
        argv.push_back(spelling);
        argv.push_back(v);
      }
    } else {
      argv.push_back(spelling);
    }
    if (o->long_name != "version") argv.push_back("--version");
    Outcome r = run_native(argv);
    EXPECT_EQ(r.exit_status, 0) << spelling << ": " << r.err;
    EXPECT_EQ(r.err.find("unrecognised"), std::string::npos) << spelling << ": " << r.err;
    if (o->long_name != "help") EXPECT_EQ(r.out, "sigvisor 0.1.0\n") << spelling;
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, UnknownOptionIsRefusedWithStatus2) {
  // The control for the test above: the parser does reject what it does not know.
  Outcome r = run_native({SIGVISOR_BIN, "--no-such-option", "--version"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("no-such-option"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Cli, PtyOptionsThatCannotGoTogether) {
  Outcome both = run_native({SIGVISOR_BIN, "--pty", "--no-pty", "true"});
  EXPECT_EQ(both.exit_status, 2);
  EXPECT_EQ(both.err, "sigvisor: --pty cannot be combined with --no-pty\n");
  Outcome attach = run_native({SIGVISOR_BIN, "--pty", "-p", "1"});
  EXPECT_EQ(attach.exit_status, 2);
  EXPECT_EQ(attach.err,
            "sigvisor: --pty cannot be combined with -p: an attached process keeps its terminal\n");
}

class CliRun : public SigvisorTest {};

// Without a terminal on stdin (here /dev/null) --pty changes nothing: the program runs
// with the descriptors it was given.
TEST_F(CliRun, PtyWithoutATerminalChangesNothing) {
  Outcome r = run_sigvisor({"--pty"}, {"/bin/sh", "-c", "test -t 0 && exit 9; exit 7"});
  EXPECT_EQ(r.exit_status, 7) << r.err;
  EXPECT_EQ(r.err, "");
}

// strace habit: "sigvisor --timeout 30 true" — the value is the next word, not the
// program. Every option with a required value must be known to command_start().
TEST_F(CliRun, ValueOptionsTakeTheNextWord) {
  auto source = options_in_source();
  std::string dir = "/tmp/sigvisor-cli-test-" + std::to_string(getpid()) + "-next";
  std::system(("mkdir -p " + dir).c_str());
  for (const auto& o : source) {
    if (!o.takes_value || o.implicit_value) continue;
    std::string spelling = o.long_name.empty() ? "-" + o.short_name : "--" + o.long_name;
    std::string v = sample_value(o.value_name, dir);
    ASSERT_FALSE(v.empty()) << spelling;
    std::vector<std::string> argv = {SIGVISOR_BIN, spelling, v, "/bin/sh", "-c", "exit 7"};
    // Keep the trace off the test's stderr, unless -o itself is the option under test.
    if (o.long_name != "output") argv.insert(argv.begin() + 1, {"-o", dir + "/trace"});
    Outcome r = run_native(argv);
    if (o.long_name == "attach") {
      // -p with a program is refused: the refusal shows the pid was taken as -p's value.
      EXPECT_EQ(r.exit_status, 2) << r.err;
      EXPECT_EQ(r.err, "sigvisor: -p cannot be combined with a program to run\n");
      continue;
    }
    EXPECT_EQ(r.exit_status, 7) << spelling << " " << v << ": " << r.err;
  }
  std::system(("rm -rf " + dir).c_str());
}

// The hook tests/CMakeLists.txt relies on for the events_schema test: every run appends
// exactly its parsed events to $SIGVISOR_EVENTS_LOG.
TEST_F(CliRun, HarnessAppendsEveryEventToTheLog) {
  const char* log = std::getenv("SIGVISOR_EVENTS_LOG");
  if (log == nullptr || *log == '\0') GTEST_SKIP() << "SIGVISOR_EVENTS_LOG not set (run by ctest)";
  // Other tests append concurrently under `ctest -j`, so no line counting: each event of
  // this run (unique by its pids and timestamp) must be in the log as one whole line.
  Outcome r = run_sigvisor({}, {example("sender")});
  ASSERT_GE(r.events.size(), 5u);
  std::set<std::string> logged;
  std::istringstream in(read_file(log));
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) logged.insert(nlohmann::json::parse(l).dump());
  }
  for (const auto& e : r.events) EXPECT_EQ(logged.count(e.dump()), 1u) << e.dump();
}

}  // namespace
}  // namespace sigvisor::test
