// stack_t (ss_sp, ss_flags + padding, ss_size) as strace 6.1's sigaltstack decoder prints it:
// {ss_sp=0x..., ss_flags=SS_ONSTACK|SS_AUTODISARM, ss_size=65536}.
#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

constexpr std::size_t kSsSpAt = 0, kSsFlagsAt = 8, kSsSizeAt = 16;

}  // namespace

void format_stack(const uint8_t* p, std::string& out) {
  out += "{ss_sp=";
  format_addr(load<uint64_t>(p + kSsSpAt), out);
  out += ", ss_flags=";
  format_flags(load<uint32_t>(p + kSsFlagsAt), kStackFlags, out);
  out += ", ss_size=";
  out += std::to_string(load<uint64_t>(p + kSsSizeAt));
  out += '}';
}

nlohmann::json stack_json(const uint8_t* p) {
  return {
      {"ss_sp", ptr_json(load<uint64_t>(p + kSsSpAt))},
      {"ss_flags", flags_json(load<uint32_t>(p + kSsFlagsAt), kStackFlags)},
      {"ss_size", load<uint64_t>(p + kSsSizeAt)},
  };
}

}  // namespace sigvisor::decode
