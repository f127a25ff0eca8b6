// Signal-delivery stops: the signal a task is about to receive, with its true sender
// (sender_attribution.h), checked against the policy's delivery rules (a denied delivery
// is suppressed), and recorded. A wait interrupted in the notification queue is repaired
// and recorded here first (interrupted_call.h), so its event precedes the signal's.
#pragma once

#include "engine/notify/sender_attribution.h"
#include "engine/notify/stop_context.h"
#include "engine/notify/stop_kind.h"

namespace sigvisor {

class DeliveryStops {
 public:
  DeliveryStops(StopContext ctx, const SenderAttribution& senders) : c_(ctx), senders_(senders) {}
  Restart on_delivery(const Stop& s);

 private:
  void record_interrupted_wait(pid_t tid, const CallData& call);
  StopContext c_;
  const SenderAttribution& senders_;
};

}  // namespace sigvisor
