// `sigvisor --doctor`: what the running kernel can do for sigvisor, feature by feature
// (kernel/kernel_features.h, the table of docs/kernels.md), and whether sigvisor can run.
#pragma once

#include <ostream>

namespace sigvisor {

// Prints the report; returns sigvisor's exit status: 0 when it can run here, 1 when a
// feature it cannot do without is missing.
int print_doctor(std::ostream& out);

}  // namespace sigvisor
