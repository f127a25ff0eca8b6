// The user's terminal while the pty relay runs (pty_relay.h): raw input, so that every
// key (^C, ^Z, ^D, ^S...) reaches the program's own pseudo-terminal as a byte and its line
// discipline acts on it as the user's would have. Output processing (OPOST) is kept:
// sigvisor's own messages and trace lines on the terminal still end lines with CR LF,
// and the program's output, already processed by its pty, comes out the same on screen
// (a second CR before each LF is invisible).
#pragma once

#include <termios.h>

namespace sigvisor {

// `user` with input and local processing off: no echo, no line editing, no signals from
// keys, no flow control, no CR/NL translation on input, one byte at a time.
termios relay_raw_mode(const termios& user);

}  // namespace sigvisor
