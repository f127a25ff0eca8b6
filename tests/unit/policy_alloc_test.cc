// Policy::decide() and decide_delivery() run on the hot path and must not allocate. Counted
// with the sanitizer allocator's malloc hook, so this test runs in ASan builds and skips in
// others (it replaces nothing global, so it cannot disturb other tests in the binary).
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "policy/policy.h"

#if defined(__SANITIZE_ADDRESS__)
#define SIGVISOR_HAVE_MALLOC_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIGVISOR_HAVE_MALLOC_HOOKS 1
#endif
#endif

#ifdef SIGVISOR_HAVE_MALLOC_HOOKS
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));
#endif

namespace sigvisor {
namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

[[maybe_unused]] void on_malloc(const volatile void*, std::size_t) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
}
[[maybe_unused]] void on_free(const volatile void*) {}

TEST(PolicyAlloc, DecideDoesNotAllocate) {
#ifndef SIGVISOR_HAVE_MALLOC_HOOKS
  GTEST_SKIP() << "allocation counting needs the sanitizer allocator hooks (build with ASan)";
#else
  static bool installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
  ASSERT_TRUE(installed);
  auto loaded = Policy::load_string(R"({"name": "p", "default": "deny", "rules": [
      {"name": "a", "match": {"comm": ["x*", "y*"], "exe": "/opt/*"}, "action": "allow"},
      {"name": "b", "match": {"sig": ["TERM", "realtime"], "target": ["init", "all"]}, "action": "kill"},
      {"name": "c", "match": {"code": ["SI_QUEUE", "SEGV_MAPERR"]}, "action": "deny"},
      {"name": "d", "match": {"blocks": "TERM"}, "action": "deny"},
      {"name": "e", "match": {"handler": "ignore"}, "action": "abort"},
      {"name": "f", "match": {"event": "delivery", "sender": "outside", "code": "SI_USER",
       "comm": "w*"}, "action": "deny"}]})",
                                    "alloc.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Policy& p = *loaded;

  CallData call;
  call.sys = Sys::rt_sigaction;
  call.regs = {SIGTERM, 0x7000, 0, 8};
  call.mem[1].addr = 0x7000;
  call.mem[1].size = 32;
  call.mem[1].read = call.mem[1].ok = true;
  call.mem[1].bytes[0] = 1;
  Target target;
  target.scope = Scope::init;
  CallContext ctx;
  ctx.call = &call;
  ctx.comm = "worker";
  ctx.exe = "/usr/bin/worker";
  DeliveryContext dctx;
  dctx.sig = SIGTERM;
  dctx.sender_scope = Scope::outside;
  dctx.receiver_comm = "worker";

  // The hook sees allocations (a malloc the compiler cannot elide).
  void* (*volatile do_malloc)(std::size_t) = std::malloc;
  counting = true;
  void* probe = do_malloc(64);
  counting = false;
  std::free(probe);
  ASSERT_GT(allocations.load(), 0);
  allocations = 0;

  counting = true;
  Decision d1 = p.decide(ctx);
  call.sys = Sys::kill;
  call.regs = {1, SIGTERM};
  ctx.target = &target;
  Decision d2 = p.decide(ctx);
  Decision d3 = p.decide_delivery(dctx);
  counting = false;

  EXPECT_EQ(allocations.load(), 0);
  EXPECT_EQ(d1.action, Action::abort);
  EXPECT_EQ(d2.action, Action::kill);
  EXPECT_EQ(d3.action, Action::deny);
#endif
}

}  // namespace
}  // namespace sigvisor
