// struct sigaction in the kernel's layout (sa_handler, sa_flags, sa_restorer, sa_mask; 8 bytes
// each on 64-bit) as strace 6.1 prints it: {sa_handler=..., sa_mask=..., sa_flags=...,
// sa_restorer=...}, the restorer only when SA_RESTORER is set.
#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

constexpr std::size_t kSaHandlerAt = 0, kSaFlagsAt = 8, kSaRestorerAt = 16, kSaMaskAt = 24;
constexpr uint64_t kSaRestorer = 0x04000000;

constexpr Named kHandlers[] = {
    {0, "SIG_DFL"},
    {1, "SIG_IGN"},
    {~uint64_t{0}, "SIG_ERR"},
};
constexpr FlagTable kHandlerValues{kHandlers, ""};

void format_handler(uint64_t h, std::string& out) {
  if (const std::string_view* name = find_value(h, kHandlerValues)) {
    out += *name;
  } else {
    format_addr(h, out);
  }
}

nlohmann::json handler_json(uint64_t h) {
  if (const std::string_view* name = find_value(h, kHandlerValues)) return std::string(*name);
  return hex_string(h);
}

}  // namespace

void format_sigaction(const uint8_t* p, std::string& out) {
  uint64_t flags = load<uint64_t>(p + kSaFlagsAt);
  out += "{sa_handler=";
  format_handler(load<uint64_t>(p + kSaHandlerAt), out);
  out += ", sa_mask=";
  format_sigset(p + kSaMaskAt, kSigsetBytes, out);
  out += ", sa_flags=";
  format_flags(flags, kSigactionFlags, out);
  if (flags & kSaRestorer) {
    out += ", sa_restorer=";
    format_addr(load<uint64_t>(p + kSaRestorerAt), out);
  }
  out += '}';
}

nlohmann::json sigaction_json(const uint8_t* p) {
  uint64_t flags = load<uint64_t>(p + kSaFlagsAt);
  nlohmann::json j = {
      {"sa_handler", handler_json(load<uint64_t>(p + kSaHandlerAt))},
      {"sa_mask", sigset_json(p + kSaMaskAt, kSigsetBytes)},
      {"sa_flags", flags_json(flags, kSigactionFlags)},
  };
  if (flags & kSaRestorer) j["sa_restorer"] = ptr_json(load<uint64_t>(p + kSaRestorerAt));
  return j;
}

}  // namespace sigvisor::decode
