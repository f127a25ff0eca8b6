// The user's terminal while the pty relay runs (terminal/terminal_modes.h): every key
// passes as a byte, output processing stays.
#include "terminal/terminal_modes.h"

#include <gtest/gtest.h>

namespace sigvisor {
namespace {

// A terminal as a login shell leaves it (stty sane).
termios cooked() {
  termios t{};
  t.c_iflag = ICRNL | IXON | IXANY | IMAXBEL | BRKINT | IUTF8;
  t.c_oflag = OPOST | ONLCR;
  t.c_cflag = CS8 | CREAD | B38400;
  t.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
  t.c_cc[VINTR] = 3;
  t.c_cc[VSUSP] = 26;
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 5;
  return t;
}

TEST(RelayRawMode, KeysArriveAsBytes) {
  const termios raw = relay_raw_mode(cooked());
  EXPECT_EQ(raw.c_lflag & (ICANON | ECHO | ECHOE | ECHOK | ISIG | IEXTEN), 0u)
      << "line editing, echo, or signals from ^C/^Z in the user's terminal";
  EXPECT_EQ(raw.c_iflag & (ICRNL | IXON | IXANY | BRKINT), 0u)
      << "CR translated, or ^S/^Q taken for flow control before the program's pty sees them";
  EXPECT_EQ(raw.c_cc[VMIN], 1);
  EXPECT_EQ(raw.c_cc[VTIME], 0);
}

TEST(RelayRawMode, OutputAndTheRestAsTheUserHadThem) {
  const termios user = cooked();
  const termios raw = relay_raw_mode(user);
  EXPECT_EQ(raw.c_oflag, user.c_oflag) << "sigvisor's own lines must still end in CR LF";
  EXPECT_EQ(raw.c_cflag, user.c_cflag);
  EXPECT_NE(raw.c_iflag & IUTF8, 0u);
  EXPECT_EQ(raw.c_cc[VINTR], 3);  // the characters stay: the pty has its own copy anyway
  EXPECT_EQ(raw.c_cc[VSUSP], 26);
}

}  // namespace
}  // namespace sigvisor
