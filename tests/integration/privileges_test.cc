// Privileges as natively where the kernel allows it (docs/ci.md): a setuid-root program
// (examples/print_euid.c, made setuid in a directory of the test's own) prints its
// effective uid. Natively, run by any user, 0. Under sigvisor started by root with
// --user USER and ci-isolation, 0 too: the filter goes in while the child is privileged
// and no_new_privs stays off. Under untrusted (which requires --user and wants
// no_new_privs) and for a non-root caller (the kernel requires no_new_privs), the user's
// uid, with the exec event's note and one line naming the binary. The user and the
// binary are made here and removed after.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "harness.h"

namespace sigvisor::test {
namespace {

// A user of the test's own and a setuid-root copy of print_euid.
class Privileges : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (geteuid() != 0) GTEST_SKIP() << "making a user and a setuid binary needs root";
    // Unique per process: both decision modes of the suite may run at once.
    user_ = "svci" + std::to_string(getpid());
    // useradd takes a lock on /etc/passwd; another one at work meanwhile fails it for a
    // moment.
    bool made = false;
    for (int i = 0; i < 50 && !made; ++i) {
      made = std::system(("useradd --system --no-create-home --shell /usr/sbin/nologin " + user_ +
                          " 2>/dev/null")
                             .c_str()) == 0;
      if (!made) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(made) << "useradd " << user_;
    made_user_ = true;
    const passwd* pw = getpwnam(user_.c_str());
    ASSERT_NE(pw, nullptr);
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    char tmpl[] = "/tmp/sigvisor-priv-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    chmod(dir_.c_str(), 0755);
    bin_ = dir_ + "/print_euid";
    ASSERT_EQ(std::system(("cp " + example("print_euid") + " " + bin_).c_str()), 0);
    ASSERT_EQ(chown(bin_.c_str(), 0, 0), 0);
    ASSERT_EQ(chmod(bin_.c_str(), 04755), 0);
    // Where the user may write (the non-root caller's events).
    user_dir_ = dir_ + "/user";
    mkdir(user_dir_.c_str(), 0755);
    ASSERT_EQ(chown(user_dir_.c_str(), uid_, gid_), 0);
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
    if (made_user_) {
      for (int i = 0; i < 50; ++i) {
        if (std::system(("userdel " + user_ + " 2>/dev/null").c_str()) == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  // Runs `argv` as the test's user (or as root), stdout and stderr captured.
  Outcome run_as(const std::vector<std::string>& argv, bool as_user) {
    Outcome r;
    const std::string out = dir_ + "/out", err = dir_ + "/err";
    unlink(out.c_str());
    unlink(err.c_str());
    pid_t pid = fork();
    if (pid == 0) {
      int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int in = open("/dev/null", O_RDONLY);
      dup2(in, 0);
      dup2(o, 1);
      dup2(e, 2);
      if (as_user && (setgroups(0, nullptr) != 0 || setgid(gid_) != 0 || setuid(uid_) != 0)) {
        _exit(98);
      }
      std::vector<char*> a;
      for (const auto& x : argv) a.push_back(const_cast<char*>(x.c_str()));
      a.push_back(nullptr);
      execv(a[0], a.data());
      _exit(99);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }
  // sigvisor (as root, or as the user) on the setuid binary; the events come back too.
  Outcome supervised(const std::vector<std::string>& options, bool as_user) {
    const std::string events = user_dir_ + "/events";
    unlink(events.c_str());
    std::vector<std::string> argv = {SIGVISOR_BIN, "-o",   "/dev/null",
                                     "--json",     events, "--no-kernel-trace"};
    if (results_mode()) argv.push_back("--results");
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("--");
    argv.push_back(bin_);
    Outcome r = run_as(argv, as_user);
    r.events = read_events(events);
    append_events_log(read_file(events));
    return r;
  }
  std::string euid_line(uid_t u) const { return "euid " + std::to_string(u) + "\n"; }
  // The note of the exec event of the setuid binary, "" when none.
  std::string exec_note(const Outcome& r) const {
    for (const auto& e : of_kind(r, "exec")) {
      if (e.value("path", "") == bin_) return e.value("note", "");
    }
    return "(no exec event of " + bin_ + ")";
  }
  std::string one_line() const {
    return "sigvisor: " + bin_ + ": setuid root not honoured: no_new_privs is set (";
  }

  std::string user_;
  bool made_user_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::string dir_, bin_, user_dir_;
};

TEST_F(Privileges, NativelyTheSetuidBitGivesRoot) {
  Outcome r = run_as({bin_}, /*as_user=*/true);
  EXPECT_EQ(r.out, "euid 0\n") << r.err;
}

TEST_F(Privileges, RootWithUserUnderCiIsolationGainsThemAsNatively) {
  Outcome r = supervised({"-P", "ci-isolation", "--user", user_}, /*as_user=*/false);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "euid 0\n") << r.err;
  EXPECT_EQ(exec_note(r), "");
  EXPECT_EQ(r.err, "");
}

TEST_F(Privileges, UntrustedKeepsNoNewPrivsAndSaysSo) {
  Outcome r = supervised({"-P", "untrusted", "--user", user_}, /*as_user=*/false);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, euid_line(uid_)) << r.err;
  EXPECT_EQ(exec_note(r), "privileges not gained: no_new_privs (setuid root)");
  EXPECT_EQ(r.err, one_line() +
                       "policy untrusted requires it: a program run unprivileged must "
                       "not regain privileges)\n");
}

TEST_F(Privileges, ANonRootCallerCannotLeaveNoNewPrivsOff) {
  SKIP_ON_KERNEL_ENGINE("the kernel engine needs root (KernelEngine.WithoutRootItIsRefusedAndAutoFallsBack)");
  Outcome r = supervised({}, /*as_user=*/true);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, euid_line(uid_)) << r.err;
  EXPECT_EQ(exec_note(r), "privileges not gained: no_new_privs (setuid root)");
  EXPECT_EQ(r.err, one_line() +
                       "sigvisor runs without CAP_SYS_ADMIN; started as root, with "
                       "--user USER, it leaves it off)\n");
}

}  // namespace
}  // namespace sigvisor::test
