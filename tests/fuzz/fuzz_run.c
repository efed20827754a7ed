/* fuzz_run.c — libFuzzer target: compile the input as a ppl program and,
 * when it compiles, run it with a small step limit. print() output,
 * diagnostics and runtime errors go to /dev/null: errors are expected, only
 * crashes, hangs and sanitizer reports are bugs. read_csv is replaced by a
 * builtin that always fails, so inputs cannot read files.
 * Build and run: tests/fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_vm.h"
#include "vm/print.h"

#define FUZZ_MAX_STEPS 20000

static FuzzVM fz;

static Value no_files(VM *vm, int argc, const Value *args) {
  (void)argc;
  (void)args;
  vm_error(vm, "read_csv: files cannot be read while fuzzing");
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_vm_init(&fz);
  vm_def_builtin(fz.vm, "read_csv", no_files, 1, 1);
  fuzz_vm_snapshot(&fz);
  fz.vm->rt->max_steps = FUZZ_MAX_STEPS;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_vm_reset(&fz);
  bool has_value = false;
  Source *src = src_new("fuzz.ppl", (const char *)data, size);
  ObjFunction *fn = driver_compile(fz.vm, src, fz.devnull, &has_value);
  if (!fn) return 0;
  Value result;
  if (driver_run(fz.vm, fn, &result, fz.devnull) && has_value) {
    val_print(fz.devnull, result, true);
    fputc('\n', fz.devnull);
  }
  return 0;
}
