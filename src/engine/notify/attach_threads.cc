// See attach_threads.h.
#include "engine/notify/attach_threads.h"

#include <unordered_set>

namespace sigvisor {

ThreadSeizing seize_threads(const std::function<std::vector<pid_t>()>& list,
                            const std::function<SeizeOutcome(pid_t)>& seize, int max_passes) {
  ThreadSeizing out;
  std::unordered_set<pid_t> seen;
  for (int pass = 0; pass < max_passes; ++pass) {
    bool seized_any = false;
    for (pid_t tid : list()) {
      if (!seen.insert(tid).second) continue;
      switch (seize(tid)) {
        case SeizeOutcome::seized:
          out.seized.push_back(tid);
          seized_any = true;
          break;
        case SeizeOutcome::failed:
          out.failed.push_back(tid);
          break;
        case SeizeOutcome::ours:
        case SeizeOutcome::gone:
          break;
      }
    }
    if (!seized_any) {
      out.converged = true;
      return out;
    }
  }
  return out;
}

}  // namespace sigvisor
