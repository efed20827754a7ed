/* The floor for start-up: launching a process that prints one number. */
#include <stdio.h>

int main(void) {
  printf("%d\n", 42);
  return 0;
}
