// See group_stops.h.
#include "engine/notify/group_stops.h"

#include <csignal>

#include "terminal/job_control.h"

namespace sigvisor {

bool GroupStops::stops_the_job(int sig) {
  return JobControl::is_forwarded_stop(sig);
}

Restart GroupStops::on_group_stop(const Stop& s) {
  c_.sv.record(StopEvent{ref_of(c_.sv.task(s.pid)), s.sig});
  if (s.pid != c_.sv.root || c_.sv.job == nullptr || !stops_the_job(s.sig)) {
    return {Resume::listen};
  }
  c_.ops.resume(s.pid, Resume::listen);
  c_.sv.job->job_stopped(s.sig);
  return {Resume::none};
}

}  // namespace sigvisor
