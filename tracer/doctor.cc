// See doctor.h. One block per feature, its JSON key first (as the policy event's
// "kernel.features" names it), so that a report can be grepped and compared.
#include "doctor.h"

#include <sys/utsname.h>

#include <string>

#include "kernel/kernel_features.h"

namespace sigvisor {

int print_doctor(std::ostream& out) {
  const KernelFeatures k = probe_kernel_features();
  utsname u{};
  uname(&u);
  out << "sigvisor " << SIGVISOR_VERSION << " on Linux " << k.release << " (" << u.machine << ")\n";
  int lacking = 0;
  std::string fatal;
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    const Feature f = feature_at(i);
    const FeatureFacts& ff = facts(f);
    const bool has = k.has(f);
    out << (has ? "[yes] " : "[no]  ") << ff.key << ": " << ff.title << "; needs " << ff.since
        << '\n';
    if (has) continue;
    ++lacking;
    if (ff.required) fatal += (fatal.empty() ? "" : ", ") + std::string(ff.key);
    out << "      here: " << k.missing[i] << "\n      without it: " << ff.without << '\n';
  }
  if (!fatal.empty()) {
    out << "sigvisor cannot run here: " << fatal << " missing\n";
    return 1;
  }
  out << "sigvisor can run here";
  if (lacking > 0) out << " (" << lacking << " optional feature(s) missing, see above)";
  out << "; docs/kernels.md lists the kernels each feature needs\n";
  return 0;
}

}  // namespace sigvisor
