// JSON Lines form of events (DESIGN.md section 4, docs/events.schema.json).
#pragma once

#include <nlohmann/json.hpp>

#include "events/event.h"

namespace sigvisor {

nlohmann::json event_json(const Event& e);

}  // namespace sigvisor
