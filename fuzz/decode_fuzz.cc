// libFuzzer target for the decoders (src/decode/): the input chooses a syscall, its
// registers, its result and the memory snapshot of every pointer argument, and the call is
// rendered as strace text and as JSON. The struct decoders (siginfo, sigset, sigaction,
// stack_t, timespec, f_owner_ex) also run directly on the raw input bytes, so they are
// exercised even when the call path would print an address instead.
//
// Input layout (little-endian; missing bytes read as zero, so short inputs are valid):
//   [0]      syscall: value % (kSysCount + 1); kSysCount itself is an invalid Sys
//   [1]      bit 0: the result is known (CallData::retval)
//   [2..9]   retval, int64
//   [10..13] arch, u32
//   [14..61] regs[0..5], u64 each
//   then for each of mem[0..5]:
//     1 byte   bit 0: read, bit 1: ok, bit 2: addr is 0 instead of regs[i]
//     2 bytes  size, u16 (may exceed the 128-byte buffer: the decoders must check)
//     min(size, 128) bytes of contents
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "decode/decode.h"
#include "decode/decode_internal.h"
#include "model/call_data.h"

namespace sigvisor {
namespace {

// Reads fields off the input; past the end everything is zero.
class Reader {
 public:
  Reader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  void bytes(uint8_t* out, std::size_t n) {
    const std::size_t k = std::min(n, size_ - pos_);
    if (k > 0) std::memcpy(out, data_ + pos_, k);
    std::memset(out + k, 0, n - k);
    pos_ += k;
  }
  template <class T>
  T get() {
    uint8_t b[sizeof(T)];
    bytes(b, sizeof b);
    T v;
    std::memcpy(&v, b, sizeof v);
    return v;
  }

 private:
  const uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "decode_fuzz: violated: %s\n", what);
  std::abort();
}

CallData call_from(Reader& in) {
  CallData c;
  c.sys = static_cast<Sys>(in.get<uint8_t>() % (kSysCount + 1));
  const bool has_result = (in.get<uint8_t>() & 1) != 0;
  const auto rv = in.get<int64_t>();
  if (has_result) c.retval = rv;
  c.arch = in.get<uint32_t>();
  for (uint64_t& r : c.regs) r = in.get<uint64_t>();
  for (std::size_t i = 0; i < c.mem.size(); ++i) {
    UserBuffer& b = c.mem[i];
    const auto ctl = in.get<uint8_t>();
    b.read = (ctl & 1) != 0;
    b.ok = (ctl & 2) != 0;
    b.addr = (ctl & 4) != 0 ? 0 : c.regs[i];
    b.size = in.get<uint16_t>();
    in.bytes(b.bytes.data(), std::min<std::size_t>(b.size, b.bytes.size()));
  }
  return c;
}

// Output goes to strace-style lines and JSON Lines: the JSON must serialise (dump() throws
// on invalid UTF-8) and the text must keep its shape.
void render_call(const CallData& c) {
  std::string text;
  format_call_text(c, text);
  require(!text.empty() && text.back() == ')', "call text ends with ')'");
  std::string result;
  format_result_text(c, result);
  require(!result.empty(), "result text is not empty");
  const nlohmann::json args = args_json(c);
  require(args.is_object(), "args_json is an object");
  (void)args.dump();
  // signal_of has no guard for an invalid Sys (spec()'s precondition); the decoders do.
  if (static_cast<std::size_t>(c.sys) < kSysCount) (void)signal_of(c);
}

// The struct decoders on raw bytes: any 128 bytes are a possible snapshot.
void render_structs(const std::array<uint8_t, 128>& raw) {
  namespace d = decode;
  const uint8_t* p = raw.data();
  std::string t;
  format_siginfo_text(p, t);
  require(t.front() == '{' && t.back() == '}', "siginfo text is braced");
  (void)siginfo_json(p).dump();
  format_siginfo_text(nullptr, t);
  (void)siginfo_json(nullptr).dump();
  for (std::size_t len = 1; len <= d::kSigsetBytes; ++len) {
    d::format_sigset(p, len, t);
    (void)d::sigset_json(p, len).dump();
  }
  d::format_sigaction(p, t);
  (void)d::sigaction_json(p).dump();
  d::format_stack(p, t);
  (void)d::stack_json(p).dump();
  d::format_timespec(p, t);
  (void)d::timespec_json(p).dump();
  d::format_owner_ex(p, t);
  (void)d::owner_ex_json(p).dump();
}

}  // namespace
}  // namespace sigvisor

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sigvisor;
  std::array<uint8_t, 128> raw{};
  if (size > 0) std::memcpy(raw.data(), data, std::min(size, raw.size()));
  render_structs(raw);

  Reader in(data, size);
  const CallData c = call_from(in);
  render_call(c);
  // The same call before its result is known: out-parameters print as addresses.
  CallData entry = c;
  entry.retval.reset();
  render_call(entry);
  return 0;
}
