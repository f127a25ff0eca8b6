// Policy loading, bad input: every validation error as the exact one-line message users
// see (policy_load_test.cc has what must load).
#include <gtest/gtest.h>

#include <unistd.h>
#include "case_name.h"
#include "policy_doc.h"

#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>

#include "policy/policy.h"
#include "policy/policy_hash.h"

namespace sigvisor {
namespace {

using test::with_rules;

struct BadCase {
  const char* what;
  std::string json;
  std::string error;
};
// ctest lists the case by name, not as a byte dump of the struct.
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.what;
}

class PolicyBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(PolicyBad, OneLineError) {
  const BadCase& c = GetParam();
  auto r = Policy::load_string(c.json, "x.json");
  ASSERT_FALSE(r.ok()) << c.what;
  EXPECT_EQ(r.error().message, c.error) << c.what;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << c.what;
}

const BadCase kBad[] = {
    // Syntax.
    {"empty", "", "x.json: empty file"},
    {"blank", " \n\t\r\n", "x.json: empty file"},
    {"bare word", "{\n  \"name\": \"a\",\n  \"default\": allow\n}",
     "x.json: line 3, column 14: invalid JSON: syntax error while parsing value - invalid "
     "literal; last read: '\"default\": a'"},
    {"comment", "{\"name\": \"a\", // c\n \"default\": \"allow\"}",
     "x.json: line 1, column 15: invalid JSON: syntax error while parsing object key - invalid "
     "literal; last read: '\"a\", /'; expected string literal"},
    {"truncated", "{\"name\": \"a\"",
     "x.json: line 1, column 13: invalid JSON: syntax error while parsing object - unexpected "
     "end of input; expected '}'"},
    {"trailing", R"({"name": "a", "default": "allow"} x)",
     "x.json: line 1, column 35: invalid JSON: syntax error while parsing value - invalid "
     "literal; last read: '\"allow\"} x'; expected end of input"},
    {"bad utf-8", "{\"name\": \"\xff\", \"default\": \"allow\"}",
     "x.json: line 1, column 11: invalid JSON: syntax error while parsing value - invalid "
     "string: ill-formed UTF-8 byte; last read: '\"\\xff'"},
    {"duplicate top key", R"({"name": "a", "name": "b", "default": "allow"})",
     "x.json: name: duplicate key"},
    {"duplicate nested key",
     with_rules(R"([{"name": "r", "match": {}, "action": "allow", "action": "deny"}])"),
     "x.json: rules[0].action: duplicate key"},
    {"duplicate deep key", with_rules(R"([{"name": "r", "match": {}, "action": "log"},
                    {"name": "s", "match": {"sig": ["INT"], "sig": ["TERM"]}, "action": "deny"}])"),
     "x.json: rules[1].match.sig: duplicate key"},

    // Document shape and top-level keys.
    {"not an object", "[]", "x.json: $: expected an object, got array"},
    {"missing name", R"({"default": "allow"})", "x.json: $: missing required key \"name\""},
    {"missing default", R"({"name": "a"})", "x.json: $: missing required key \"default\""},
    {"unknown top key", R"({"name": "a", "default": "allow", "colour": 1})",
     "x.json: colour: unknown key"},
    {"odd key is quoted", R"({"name": "a", "default": "allow", "a b\n": 1})",
     "x.json: [\"a b\\u000a\"]: unknown key"},
    {"name type", R"({"name": 1, "default": "allow"})",
     "x.json: name: expected a string, got number"},
    {"empty name", R"({"name": "", "default": "allow"})", "x.json: name: empty policy name"},
    {"description type", R"({"name": "a", "description": ["x"], "default": "allow"})",
     "x.json: description: expected a string, got array"},
    {"default type", R"({"name": "a", "default": true})",
     "x.json: default: expected a string, got boolean"},
    {"unknown default", R"({"name": "a", "default": "permit"})",
     "x.json: default: unknown action \"permit\" (expected allow, log, deny, kill or abort)"},
    {"default_errno with allow", R"({"name": "a", "default": "allow", "default_errno": "EPERM"})",
     "x.json: default_errno: only meaningful when default is deny, kill or abort"},
    {"unknown default_errno", R"({"name": "a", "default": "deny", "default_errno": "EFOO"})",
     "x.json: default_errno: unknown errno \"EFOO\""},
    {"unknown record", R"({"name": "a", "default": "allow", "record": "some"})",
     "x.json: record: unknown record mode \"some\" (expected all or denied)"},
    {"terminal type", R"({"name": "a", "default": "allow", "terminal": true})",
     "x.json: terminal: expected a string, got boolean"},
    {"unknown terminal", R"({"name": "a", "default": "allow", "terminal": "pty"})",
     "x.json: terminal: unknown terminal mode \"pty\" (expected shared or relay)"},
    {"terminal case", R"({"name": "a", "default": "allow", "terminal": "Relay"})",
     "x.json: terminal: unknown terminal mode \"Relay\" (expected shared or relay)"},
    {"rules type", R"({"name": "a", "default": "allow", "rules": {}})",
     "x.json: rules: expected an array, got object"},

    // Rule shape.
    {"rule type", with_rules(R"(["r"])"), "x.json: rules[0]: expected an object, got string"},
    {"rule unknown key", with_rules(R"([{"name": "r", "match": {}, "action": "allow", "why": 1}])"),
     "x.json: rules[0].why: unknown key"},
    {"rule missing match", with_rules(R"([{"name": "r", "action": "allow"}])"),
     "x.json: rules[0]: missing required key \"match\""},
    {"rule missing action", with_rules(R"([{"name": "r", "match": {}}])"),
     "x.json: rules[0]: missing required key \"action\""},
    {"rule name type", with_rules(R"([{"name": null, "match": {}, "action": "allow"}])"),
     "x.json: rules[0].name: expected a string, got null"},
    {"empty rule name", with_rules(R"([{"name": "", "match": {}, "action": "allow"}])"),
     "x.json: rules[0].name: empty rule name"},
    {"duplicate rule name", with_rules(R"([{"name": "a", "match": {}, "action": "log"},
                    {"name": "a", "match": {}, "action": "allow"}])"),
     "x.json: rules[1].name: duplicate rule name \"a\" (first at rules[0])"},
    {"duplicate across kinds",
     with_rules(R"([{"name": "a", "match": {"event": "delivery"}, "action": "log"},
                    {"name": "b", "match": {}, "action": "log"},
                    {"name": "a", "match": {}, "action": "allow"}])"),
     "x.json: rules[2].name: duplicate rule name \"a\" (first at rules[0])"},
    {"action type", with_rules(R"([{"name": "r", "match": {}, "action": 3}])"),
     "x.json: rules[0].action: expected a string, got number"},
    {"unknown action", with_rules(R"([{"name": "r", "match": {}, "action": "drop"}])"),
     "x.json: rules[0].action: unknown action \"drop\" (expected allow, log, deny, kill or abort)"},
    {"unknown errno",
     with_rules(R"([{"name": "r", "match": {}, "action": "deny", "errno": "EFOO"}])"),
     "x.json: rules[0].errno: unknown errno \"EFOO\""},
    {"errno type", with_rules(R"([{"name": "r", "match": {}, "action": "deny", "errno": 1}])"),
     "x.json: rules[0].errno: expected a string, got number"},
    {"errno with allow",
     with_rules(R"([{"name": "r", "match": {}, "action": "allow", "errno": "EPERM"}])"),
     "x.json: rules[0].errno: only meaningful with deny, kill or abort"},
    {"comment type", with_rules(R"([{"name": "r", "match": {}, "action": "allow", "comment": 1}])"),
     "x.json: rules[0].comment: expected a string, got number"},

    // Match keys.
    {"match type", with_rules(R"([{"name": "r", "match": [], "action": "allow"}])"),
     "x.json: rules[0].match: expected an object, got array"},
    {"unknown match key",
     with_rules(R"([{"name": "r", "match": {"colour": "red"}, "action": "deny"}])"),
     "x.json: rules[0].match.colour: unknown key"},
    {"unknown signal", with_rules(R"([{"name": "a", "match": {}, "action": "log"},
                    {"name": "b", "match": {}, "action": "log"},
                    {"name": "c", "match": {"sig": ["SIGFOO"]}, "action": "deny"}])"),
     "x.json: rules[2].match.sig[0]: unknown signal \"SIGFOO\""},
    {"unknown single signal",
     with_rules(R"([{"name": "r", "match": {"sig": "sigterm"}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: unknown signal \"sigterm\""},
    {"signal number too big",
     with_rules(R"([{"name": "r", "match": {"sig": [9, 65]}, "action": "deny"}])"),
     "x.json: rules[0].match.sig[1]: unknown signal 65"},
    {"negative signal", with_rules(R"([{"name": "r", "match": {"sig": -1}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: unknown signal -1"},
    {"bad range",
     with_rules(R"([{"name": "r", "match": {"sig": ["SIGFOO-SIGBAR"]}, "action": "deny"}])"),
     "x.json: rules[0].match.sig[0]: unknown signal or range \"SIGFOO-SIGBAR\""},
    // Seen by UBSan through fuzz/policy_fuzz.cc: the offset overflowed int before the range check.
    {"realtime offset overflow",
     with_rules(R"([{"name": "r", "match": {"sig": "SIGRTMIN+2147483647"}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: unknown signal \"SIGRTMIN+2147483647\""},
    {"RT_ offset overflow",
     with_rules(R"([{"name": "r", "match": {"sig": ["RT_2147483647"]}, "action": "deny"}])"),
     "x.json: rules[0].match.sig[0]: unknown signal \"RT_2147483647\""},
    // Unsigned JSON numbers beyond int64 wrapped into the accepted range (found by fuzzing).
    {"huge unsigned signal",
     with_rules(R"([{"name": "r", "match": {"sig": 18446744073709551615}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: unknown signal 18446744073709551615"},
    {"huge unsigned si_code",
     with_rules(R"([{"name": "r", "match": {"code": 18446744073709551615}, "action": "deny"}])"),
     "x.json: rules[0].match.code: si_code 18446744073709551615 out of range"},
    {"reversed range",
     with_rules(R"([{"name": "r", "match": {"sig": ["15-1"]}, "action": "deny"}])"),
     "x.json: rules[0].match.sig[0]: empty signal range \"15-1\""},
    {"signal element type",
     with_rules(R"([{"name": "r", "match": {"sig": ["INT", true]}, "action": "deny"}])"),
     "x.json: rules[0].match.sig[1]: expected a string or a number, got boolean"},
    {"signal value type",
     with_rules(R"([{"name": "r", "match": {"sig": {"n": 1}}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: expected a string, a number or a list of them, got object"},
    {"signal float", with_rules(R"([{"name": "r", "match": {"sig": 9.5}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: expected a string, a number or a list of them, got non-integer "
     "number"},
    {"control characters echoed escaped",
     with_rules(R"([{"name": "r", "match": {"sig": "SIG\nX"}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: unknown signal \"SIG\\u000aX\""},
    {"long value cut",
     with_rules(R"([{"name": "r", "match": {"sig": ")" + std::string(100, 'A') +
                R"("}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: unknown signal \"" + std::string(64, 'A') + "...\""},
    {"empty list", with_rules(R"([{"name": "r", "match": {"sig": []}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: empty list never matches"},
    {"unknown syscall",
     with_rules(R"([{"name": "r", "match": {"syscall": ["kill", "fork"]}, "action": "deny"}])"),
     "x.json: rules[0].match.syscall[1]: unknown syscall or family \"fork\""},
    {"family other is not a policy family",
     with_rules(R"([{"name": "r", "match": {"syscall": "other"}, "action": "deny"}])"),
     "x.json: rules[0].match.syscall: unknown syscall or family \"other\""},
    {"syscall element type",
     with_rules(R"([{"name": "r", "match": {"syscall": [62]}, "action": "deny"}])"),
     "x.json: rules[0].match.syscall[0]: expected a string, got number"},
    {"syscall value type",
     with_rules(R"([{"name": "r", "match": {"syscall": 62}, "action": "deny"}])"),
     "x.json: rules[0].match.syscall: expected a string or a list of strings, got number"},
    {"unknown command",
     with_rules(
         R"([{"name": "r", "match": {"command": ["TIOCSTI", "TIOCFOO"]}, "action": "deny"}])"),
     "x.json: rules[0].match.command[1]: unknown command \"TIOCFOO\" (intercepted: F_SETOWN, "
     "F_SETOWN_EX, F_SETSIG, TIOCSIG, FIOSETOWN, SIOCSPGRP, TIOCSTI, TIOCSPGRP, TIOCSCTTY, "
     "TIOCSETD, PR_SET_PDEATHSIG, PR_SET_NAME)"},
    {"a command sigvisor does not intercept",
     with_rules(R"([{"name": "r", "match": {"command": "FIONREAD"}, "action": "deny"}])"),
     "x.json: rules[0].match.command: unknown command \"FIONREAD\" (intercepted: F_SETOWN, "
     "F_SETOWN_EX, F_SETSIG, TIOCSIG, FIOSETOWN, SIOCSPGRP, TIOCSTI, TIOCSPGRP, TIOCSCTTY, "
     "TIOCSETD, PR_SET_PDEATHSIG, PR_SET_NAME)"},
    {"command as a number",
     with_rules(R"([{"name": "r", "match": {"command": 21522}, "action": "deny"}])"),
     "x.json: rules[0].match.command: expected a string or a list of strings, got number"},
    {"command in a delivery rule",
     with_rules(
         R"([{"name": "r", "match": {"event": "delivery", "command": "TIOCSTI"}, "action": "deny"}])"),
     "x.json: rules[0].match.command: not valid in a delivery rule"},
    {"unknown scope",
     with_rules(R"([{"name": "r", "match": {"target": ["parent"]}, "action": "deny"}])"),
     "x.json: rules[0].match.target[0]: unknown scope \"parent\""},
    {"kernel is no target",
     with_rules(R"([{"name": "r", "match": {"target": "kernel"}, "action": "deny"}])"),
     "x.json: rules[0].match.target: \"kernel\" is only a sender scope (delivery rules)"},
    {"invalid is no sender",
     with_rules(R"([{"name": "r", "match": {"event": "delivery", "sender": "invalid"},
       "action": "deny"}])"),
     "x.json: rules[0].match.sender: \"invalid\" is only a target scope (a delivered signal had "
     "a sender)"},
    {"unknown si_code",
     with_rules(R"([{"name": "r", "match": {"code": ["SI_FOO"]}, "action": "deny"}])"),
     "x.json: rules[0].match.code[0]: unknown si_code \"SI_FOO\""},
    {"si_code out of range",
     with_rules(R"([{"name": "r", "match": {"code": 4294967296}, "action": "deny"}])"),
     "x.json: rules[0].match.code: si_code 4294967296 out of range"},
    {"unknown handler",
     with_rules(R"([{"name": "r", "match": {"handler": "SIG_IGN"}, "action": "deny"}])"),
     "x.json: rules[0].match.handler: unknown handler \"SIG_IGN\" (expected default, ignore or "
     "catch)"},
    {"blocks signal 0",
     with_rules(R"([{"name": "r", "match": {"blocks": ["0-3"]}, "action": "deny"}])"),
     "x.json: rules[0].match.blocks[0]: signal 0 is not a signal and cannot be blocked"},
    {"empty glob", with_rules(R"([{"name": "r", "match": {"comm": ""}, "action": "deny"}])"),
     "x.json: rules[0].match.comm: empty glob"},
    {"exe type", with_rules(R"([{"name": "r", "match": {"exe": [["/bin/*"]]}, "action": "deny"}])"),
     "x.json: rules[0].match.exe[0]: expected a string, got array"},
    {"unknown event",
     with_rules(R"([{"name": "r", "match": {"event": "exit"}, "action": "deny"}])"),
     "x.json: rules[0].match.event: unknown event \"exit\" (expected syscall or delivery)"},
    {"event type",
     with_rules(R"([{"name": "r", "match": {"event": ["delivery"]}, "action": "deny"}])"),
     "x.json: rules[0].match.event: expected a string, got array"},
    {"sender in syscall rule",
     with_rules(R"([{"name": "r", "match": {"sender": "outside"}, "action": "deny"}])"),
     "x.json: rules[0].match.sender: only valid in a delivery rule (\"event\": \"delivery\")"},
    {"target in delivery rule",
     with_rules(
         R"([{"name": "r", "match": {"event": "delivery", "target": "self"}, "action": "deny"}])"),
     "x.json: rules[0].match.target: not valid in a delivery rule"},
    {"syscall in delivery rule",
     with_rules(
         R"([{"name": "r", "match": {"syscall": "kill", "event": "delivery"}, "action": "deny"}])"),
     "x.json: rules[0].match.syscall: not valid in a delivery rule"},
    {"kill in delivery rule",
     with_rules(R"([{"name": "r", "match": {"event": "delivery"}, "action": "kill"}])"),
     "x.json: rules[0].action: \"kill\" is not valid in a delivery rule (expected allow, log or "
     "deny)"},
    {"errno in delivery rule",
     with_rules(
         R"([{"name": "r", "match": {"event": "delivery"}, "action": "deny", "errno": "EPERM"}])"),
     "x.json: rules[0].errno: not valid in a delivery rule"},

    // Rules that can never match.
    {"sig on a syscall without one",
     with_rules(
         R"([{"name": "r", "match": {"syscall": "rt_sigprocmask", "sig": "TERM"}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: never matches: sig applies only to syscalls with a signal "
     "argument, which the rule's other keys exclude"},
    {"target on a non-send syscall",
     with_rules(
         R"([{"name": "r", "match": {"syscall": "mask", "target": "all"}, "action": "deny"}])"),
     "x.json: rules[0].match.target: never matches: target applies only to the send, "
     "indirect, limit and pgrp families, which the rule's other keys exclude"},
    {"sig on prlimit64",
     with_rules(
         R"([{"name": "r", "match": {"syscall": "limit", "sig": "KILL"}, "action": "deny"}])"),
     "x.json: rules[0].match.sig: never matches: sig applies only to syscalls with a signal "
     "argument, which the rule's other keys exclude"},
    {"command of another syscall",
     with_rules(
         R"([{"name": "r", "match": {"syscall": "fcntl", "command": "TIOCSTI"}, "action": "deny"}])"),
     "x.json: rules[0].match.command: never matches: command applies only to the syscalls of "
     "the named commands, which the rule's other keys exclude"},
    {"blocks and handler",
     with_rules(
         R"([{"name": "r", "match": {"handler": "ignore", "blocks": "TERM"}, "action": "deny"}])"),
     "x.json: rules[0].match.handler: never matches: handler applies only to rt_sigaction, "
     "which the rule's other keys exclude"},
    {"code on kill",
     with_rules(
         R"([{"name": "r", "match": {"syscall": "kill", "code": "SI_QUEUE"}, "action": "deny"}])"),
     "x.json: rules[0].match.code: never matches: code applies only to syscalls with a siginfo "
     "argument (rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal), which the rule's other "
     "keys exclude"},

    // TOCTOU: letting a call through because of tracee memory.
    {"allow on code",
     with_rules(R"([{"name": "r", "match": {"code": "SI_QUEUE"}, "action": "allow"}])"),
     "x.json: rules[0]: allows because of memory contents (match.code); use deny/log or match on "
     "registers only"},
    {"allow on handler, first memory key named",
     with_rules(R"([{"name": "a", "match": {"target": "self"}, "action": "deny"},
                    {"name": "b", "match": {"sig": "TERM", "handler": "catch"}, "action": "allow"}])",
                "deny"),
     "x.json: rules[1]: allows because of memory contents (match.handler); use deny/log or match "
     "on registers only"},
    {"allow on blocks",
     with_rules(R"([{"name": "r", "match": {"blocks": "realtime"}, "action": "allow"}])"),
     "x.json: rules[0]: allows because of memory contents (match.blocks); use deny/log or match "
     "on registers only"},
    {"log on memory before a deny of the same calls",
     with_rules(R"([{"name": "a", "match": {"handler": "ignore"}, "action": "log"},
                    {"name": "b", "match": {"target": "all"}, "action": "deny"},
                    {"name": "c", "match": {"syscall": "action", "sig": "TERM"}, "action": "kill"}])"),
     "x.json: rules[0]: allows because of memory contents (match.handler): a \"log\" rule lets "
     "through calls that rules[2] (kill) would stop; move it after rules[2] or match on "
     "registers only"},
    {"log on memory with a stopping default",
     with_rules(R"([{"name": "a", "match": {"code": "SI_QUEUE"}, "action": "log"}])", "deny"),
     "x.json: rules[0]: allows because of memory contents (match.code): a \"log\" rule lets "
     "through calls that the default (deny) would stop; use deny or match on registers only"},
};

INSTANTIATE_TEST_SUITE_P(Errors, PolicyBad, ::testing::ValuesIn(kBad), sigvisor::test::CaseName());

}  // namespace
}  // namespace sigvisor
