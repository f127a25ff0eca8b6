// struct f_owner_ex (fcntl F_SETOWN_EX) as strace 6.1 prints it:
// "{type=F_OWNER_PID, pid=4242}", "{type=0x7 /* F_OWNER_??? */, pid=4242}".
#include "decode/decode_internal.h"

namespace sigvisor::decode {

void format_owner_ex(const uint8_t* p, std::string& out) {
  out += "{type=";
  format_xval(load<uint32_t>(p), kOwnerTypes, out);
  out += ", pid=";
  out += std::to_string(load<int32_t>(p + 4));
  out += '}';
}

nlohmann::json owner_ex_json(const uint8_t* p) {
  return {{"type", xval_json(load<uint32_t>(p), kOwnerTypes)}, {"pid", load<int32_t>(p + 4)}};
}

}  // namespace sigvisor::decode
