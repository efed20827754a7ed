/* main.c — the `ppl` command. */
#include <gc/gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "config.h"
#include "driver.h"
#include "inference/inference.h"
#include "repl.h"
#include "vm/debug.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static void usage(FILE *out) {
  fputs("usage: ppl [run] FILE [options]   run a program\n"
        "       ppl check FILE             compile only: report errors\n"
        "       ppl dis FILE               print the bytecode\n"
        "       ppl                        start the interactive REPL\n"
        "\n"
        "options:\n"
        "  --seed N        seed of the random generator (default 1); the same seed\n"
        "                  gives the same output\n"
        "  --max-steps N   stop with an error after about N calls and loop steps\n"
        "  --timeout S     stop with an error after S seconds\n"
        "  --output F.csv  write the last posterior the program made to F.csv\n"
        "  --verbose       inference reports its progress (SMC: ESS per step)\n"
        "  -h, --help      show this help\n"
        "  --version       show the version\n",
        out);
}

typedef struct Options {
  const char *command; /* "run", "check", "dis", or NULL for the REPL */
  const char *file;
  unsigned long seed;
  unsigned long long max_steps;
  double timeout;
  const char *output;
  int verbose;
} Options;

static int usage_error(const char *fmt, const char *arg) {
  fputs("ppl: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\ntry 'ppl --help'\n", stderr);
  return EXIT_USAGE;
}

static bool parse_number(const char *text, double lo, double *out) {
  char *end;
  double d = strtod(text, &end);
  if (end == text || *end != '\0' || d < lo || d != d) return false;
  *out = d;
  return true;
}

/* Returns -1 on success or an exit status. */
static int parse_args(int argc, char **argv, Options *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return EXIT_OK;
    }
    if (strcmp(a, "--version") == 0) {
      printf("ppl %s\n", PPL_VERSION);
      return EXIT_OK;
    }
    if (strcmp(a, "--seed") == 0 || strcmp(a, "--max-steps") == 0 || strcmp(a, "--timeout") == 0) {
      if (i + 1 >= argc) return usage_error("%s needs a value", a);
      double d;
      const char *v = argv[++i];
      if (!parse_number(v, 0, &d)) return usage_error("bad value '%s'", v);
      if (strcmp(a, "--seed") == 0) o->seed = (unsigned long)d;
      else if (strcmp(a, "--max-steps") == 0) o->max_steps = (unsigned long long)d;
      else o->timeout = d;
      continue;
    }
    if (strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
      continue;
    }
    if (strcmp(a, "--output") == 0) {
      if (i + 1 >= argc) return usage_error("%s needs a value", a);
      o->output = argv[++i];
      continue;
    }
    if (a[0] == '-' && a[1] != '\0') return usage_error("unknown option '%s'", a);
    if (!o->command && !o->file &&
        (strcmp(a, "run") == 0 || strcmp(a, "check") == 0 || strcmp(a, "dis") == 0)) {
      o->command = a;
      continue;
    }
    if (o->file) return usage_error("unexpected argument '%s' (one file at a time)", a);
    o->file = a;
    if (!o->command) o->command = "run";
  }
  if (o->command && !o->file) return usage_error("'%s' needs a FILE", o->command);
  return -1;
}

static double now_seconds(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + tv.tv_usec * 1e-6;
}

int main(int argc, char **argv) {
  GC_INIT();
  Options o;
  int status = parse_args(argc, argv, &o);
  if (status >= 0) return status;
  VM *vm = driver_new_vm(o.seed);
  vm->rt->max_steps = o.max_steps;
  vm->rt->verbose = o.verbose;
  if (!o.command) return repl_main(vm);

  const char *why;
  Source *src = src_read_file(o.file, &why);
  if (!src) {
    fprintf(stderr, "ppl: cannot read '%s': %s\n", o.file, why);
    return EXIT_USAGE;
  }
  ObjFunction *fn = driver_compile(vm, src, stderr, NULL);
  if (!fn) return EXIT_USAGE;
  if (strcmp(o.command, "check") == 0) return EXIT_OK;
  if (strcmp(o.command, "dis") == 0) {
    dis_function(stdout, fn);
    return EXIT_OK;
  }
  if (o.timeout > 0) vm->rt->deadline = now_seconds() + o.timeout;
  bool ok = driver_run(vm, fn, NULL, stderr);
  fflush(stdout);
  if (ok && o.output) {
    Value post = inference_last_posterior(vm);
    if (post == VAL_NIL) {
      fprintf(stderr, "ppl: --output: the program made no posterior (its top level never called infer)\n");
      return EXIT_RUNTIME;
    }
    if (!driver_write_csv(vm, post, o.output, stderr)) return EXIT_RUNTIME;
  }
  return ok ? EXIT_OK : EXIT_RUNTIME;
}
