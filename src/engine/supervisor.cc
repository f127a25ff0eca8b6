// See supervisor.h. The one place that knows which engines exist.
#include "engine/supervisor.h"

#include "engine/notify/notify_engine.h"

namespace sigvisor {

Result<ExitPlan> run_supervised(const SupervisorOptions& opts) {
  return run_notify_engine(opts);
}

}  // namespace sigvisor
