/* print_euid — prints "euid N" (its effective uid). Made setuid root by
 * tests/integration/privileges_test.cc: natively, run by any user, it prints "euid 0";
 * where no_new_privs is set it prints the caller's uid (the kernel ignores the setuid bit). */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("euid %d\n", (int)geteuid());
  return 0;
}
