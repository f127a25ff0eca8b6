// strace-style text for events (DESIGN.md section 4).
#pragma once

#include <string>

#include "events/event.h"

namespace sigvisor {

struct TextStyle {
  bool pid_prefix_always = false;  // strace -f -o FILE prefixes every line; to stderr only
                                   // when more than one task is traced
  bool summary_only = false;       // -c: only the summary table, as strace -c prints it
};

// Appends the event's line(s), newline-terminated; appends nothing for events that have
// no text form (policy).
void format_event_text(const Event& e, const TextStyle& style, std::string& out);

}  // namespace sigvisor
