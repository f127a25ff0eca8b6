// sigvisor -p detaching at a chosen stop, made deterministic rather than left to chance:
// the test holds sigvisor's stop dispatcher (TracerHold: the test traces sigvisor's main
// thread) at a chosen point while the program sits in a chosen stop, sends SIGINT, and
// lets the dispatcher go only once the control loop has asked it to detach. Each test fails
// when the part of the detach it is about is taken out.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "attach_harness.h"
#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

// Holds the dispatcher until it is `where` with the program in the stop that
// `held_in(/proc/PID/syscall)` wants; then SIGINT to sigvisor and, once the request to
// detach has reached the dispatcher thread, lets it go. False if never caught.
bool detach_while_held(AttachedSigvisor& sv, NativeTarget& t, TracerHold::Held where,
                       const std::function<bool(const std::string&)>& held_in) {
  TracerHold hold(sv.pid());
  EXPECT_TRUE(hold.ok());
  for (int i = 0; i < 5000; ++i) {
    const TracerHold::Held held = hold.freeze();
    t.drain();  // a chatty program must not block on its output
    if (held == where && held_in(syscall_of(t.pid()))) {
      kill(sv.pid(), SIGINT);
      EXPECT_TRUE(eventually([&] { return hold.pending(kTracerWakeSignal); }))
          << "the control loop never asked the dispatcher to detach";
      hold.let_go();
      return true;
    }
    hold.thaw();
    usleep(static_cast<useconds_t>(50 + (i * 37) % 400));  // let it go on to another stop
  }
  return false;
}

// A call refused at its entry stop and detached before its exit stop must still fail with
// the policy's errno (a skipped syscall otherwise returns ENOSYS). The dispatcher is held
// just after it collected the entry stop of a kill the policy refuses: it decides and
// skips the kill as before, and the kill's exit stop is the first stop of the detach.
TEST_F(AttachTest, ADetachInTheMiddleOfARefusedCallKeepsItsErrno) {
  const std::string policy = temp_path("policy.json");
  std::ofstream(policy) << R"({"name": "no-usr1", "default": "allow", "rules": [
      {"name": "no-self-usr1", "match": {"syscall": ["kill"], "sig": ["SIGUSR1"]},
       "action": "deny", "errno": "EACCES"}]})";
  NativeTarget t({example("attach_target"), "0", "0"});
  ASSERT_TRUE(t.read_until("tick 2"));
  AttachedSigvisor sv({"-P", policy, "-p", std::to_string(t.pid()), "-e", "trace=none"});
  ASSERT_TRUE(t.read_until("kill=-1 errno=13")) << t.output();
  const std::string kill_entry = std::to_string(SYS_kill) + " ";
  ASSERT_TRUE(detach_while_held(sv, t, TracerHold::Held::collected, [&](const std::string& sc) {
    return sc.rfind(kill_entry, 0) == 0;
  })) << "never held the dispatcher with a refused kill's entry stop in hand";
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT) << sv.messages();
  const std::size_t at_detach = t.output().size();
  const std::string next = "tick " + std::to_string(check_ticks(t.output(), false) + 10) + " ";
  EXPECT_TRUE(t.read_until(next));
  EXPECT_NE(t.output().find("kill=0", at_detach), std::string::npos) << "native again";
  t.command("exit");
  EXPECT_TRUE(t.read_until("bye"));
  check_ticks(t.output(), false);  // no ENOSYS: every kill was 0 or EACCES
}

// A detach at a signal-delivery stop passes the signal on (PTRACE_DETACH's data). The
// program spins in user space waiting for SIGUSR2, so the dispatcher sleeps; it is held
// asleep, SIGUSR2 is sent, and the program's next stop — its delivery stop — is the first
// stop of the detach. Were the signal dropped, the program would spin forever.
TEST_F(AttachTest, ADetachAtADeliveryStopDeliversTheSignal) {
  // The program marks a shared byte once it spins, past every syscall: "spinning" on its
  // stdout comes from a write() that may still be at its exit stop.
  const std::string flag = temp_path("spin-flag");
  { std::ofstream(flag) << '\0'; }
  setenv("ATTACH_TARGET_SPIN_FLAG", flag.c_str(), 1);
  NativeTarget t({example("attach_target"), "0", "10"});
  unsetenv("ATTACH_TARGET_SPIN_FLAG");
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  AttachedSigvisor sv({"-p", std::to_string(pid)});
  ASSERT_TRUE(sv.has_event([&](const json& e) { return is_call(e, "kill", pid); }));
  t.command("spin");
  ASSERT_TRUE(t.read_until("spinning"));
  // Past the exit stop of the write that said so: spinning, in no stop.
  ASSERT_TRUE(eventually([&] { return read_file(flag) == std::string(1, '\1'); }));
  TracerHold hold(sv.pid());
  ASSERT_TRUE(hold.ok());
  ASSERT_TRUE(eventually([&] {
    if (hold.freeze() == TracerHold::Held::asleep) return true;
    hold.thaw();
    return false;
  })) << "sigvisor's dispatcher was never found asleep";
  ASSERT_EQ(task_state(pid), 'R') << "the program is in a stop already";
  ASSERT_EQ(kill(pid, SIGUSR2), 0);
  const std::string sc = syscall_of(pid);
  EXPECT_EQ(sc.rfind("-1 ", 0), 0u) << "not in a syscall: " << sc;
  EXPECT_FALSE(shared_pending(pid, SIGUSR2)) << "taken for delivery";
  ASSERT_EQ(kill(sv.pid(), SIGINT), 0);
  ASSERT_TRUE(eventually([&] { return hold.pending(kTracerWakeSignal); }));
  hold.let_go();
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT) << sv.messages();
  EXPECT_TRUE(t.read_until("spun: got SIGUSR2", 5)) << "the SIGUSR2 was lost at the detach";
  t.command("exit");
  EXPECT_TRUE(t.read_until("bye"));
  check_ticks(t.output(), true);
}

}  // namespace
}  // namespace sigvisor::test
