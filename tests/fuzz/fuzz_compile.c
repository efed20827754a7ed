/* fuzz_compile.c — libFuzzer target: parse, resolve and compile the input
 * as a ppl program, printing the diagnostics (or, when it compiles, the
 * disassembly, as `ppl dis` does) to /dev/null. Never runs it.
 * Build and run: tests/fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_vm.h"
#include "vm/debug.h"

static FuzzVM fz;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_vm_init(&fz);
  fuzz_vm_snapshot(&fz);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_vm_reset(&fz);
  Source *src = src_new("fuzz.ppl", (const char *)data, size);
  ObjFunction *fn = driver_compile(fz.vm, src, fz.devnull, NULL);
  if (fn) dis_function(fz.devnull, fn);
  return 0;
}
