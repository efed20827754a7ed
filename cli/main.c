/* main.c — the `ppl` command. */
#include <gc/gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "config.h"
#include "driver.h"
#include "inference/inference.h"
#include "inference/kernel.h"
#include "inference/method.h"
#include "inference/validate.h"
#include "repl.h"
#include "vm/debug.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static void usage(FILE *out) {
  fputs("usage: ppl [run] FILE [options]   run a program\n"
        "       ppl check FILE             compile only: report errors\n"
        "       ppl dis FILE               print the bytecode\n"
        "       ppl validate FILE --method EXPR [--model NAME] [--sims N] [--exact]\n"
        "                                  check an inference method on the file's model\n"
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
        "  --version       show the version\n"
        "\n"
        "validate (simulation-based calibration, or --exact against enumerate):\n"
        "  --method EXPR   the method, e.g. 'importance({particles: 1000})', or an MCMC\n"
        "                  kernel, e.g. 'single_site()', for Geweke's test\n"
        "  --model NAME    the model: a function of no arguments (default: model,\n"
        "                  or the model of the file's last top-level infer)\n"
        "  --sims N        simulations (default 100; Geweke: steps)\n"
        "  --draws L       posterior draws each true value is ranked among (default 99)\n"
        "  --exact         compare with enumerate's exact posterior instead\n"
        "  exit status 0 when the method passes, 1 when it does not\n",
        out);
}

typedef struct CliOptions {
  const char *command; /* "run", "check", "dis", "validate", or NULL for the REPL */
  const char *file;
  unsigned long seed;
  unsigned long long max_steps;
  double timeout;
  const char *output;
  int verbose;
  const char *method;
  const char *model;
  unsigned long sims, draws;
  int exact;
} CliOptions;

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

static bool is_command(const char *a) {
  return strcmp(a, "run") == 0 || strcmp(a, "check") == 0 || strcmp(a, "dis") == 0 || strcmp(a, "validate") == 0;
}

/* Returns -1 on success or an exit status. */
static int parse_args(int argc, char **argv, CliOptions *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->sims = 100;
  o->draws = 99;
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
    if (strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
      continue;
    }
    if (strcmp(a, "--exact") == 0) {
      o->exact = 1;
      continue;
    }
    bool numeric = strcmp(a, "--seed") == 0 || strcmp(a, "--max-steps") == 0 || strcmp(a, "--timeout") == 0 ||
                   strcmp(a, "--sims") == 0 || strcmp(a, "--draws") == 0;
    bool text = strcmp(a, "--output") == 0 || strcmp(a, "--method") == 0 || strcmp(a, "--model") == 0;
    if (numeric || text) {
      if (i + 1 >= argc) return usage_error("%s needs a value", a);
      const char *v = argv[++i];
      if (text) {
        if (strcmp(a, "--output") == 0) o->output = v;
        else if (strcmp(a, "--method") == 0) o->method = v;
        else o->model = v;
        continue;
      }
      double d;
      if (!parse_number(v, 0, &d)) return usage_error("bad value '%s'", v);
      if (strcmp(a, "--seed") == 0) o->seed = (unsigned long)d;
      else if (strcmp(a, "--max-steps") == 0) o->max_steps = (unsigned long long)d;
      else if (strcmp(a, "--timeout") == 0) o->timeout = d;
      else if (strcmp(a, "--sims") == 0) o->sims = (unsigned long)d;
      else o->draws = (unsigned long)d;
      continue;
    }
    if (a[0] == '-' && a[1] != '\0') return usage_error("unknown option '%s'", a);
    if (!o->command && !o->file && is_command(a)) {
      o->command = a;
      continue;
    }
    if (o->file) return usage_error("unexpected argument '%s' (one file at a time)", a);
    o->file = a;
    if (!o->command) o->command = "run";
  }
  if (o->command && !o->file) return usage_error("'%s' needs a FILE", o->command);
  if (o->command && strcmp(o->command, "validate") == 0) {
    if (!o->method) return usage_error("%s needs --method EXPR, e.g. --method 'importance({particles: 1000})'", "validate");
    if (o->sims < 10) return usage_error("%s: --sims must be at least 10", "validate");
    if (o->draws < 9 || (o->draws + 1) % 10 != 0)
      return usage_error("%s: --draws must be at least 9, with draws + 1 a multiple of 10 (99, 199, ...)", "validate");
  }
  return -1;
}

static double now_seconds(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + tv.tv_usec * 1e-6;
}

typedef struct ValidateCall {
  Value model, method;
  ValidateOptions options;
  int exact;
} ValidateCall;

static Value run_validation(VM *vm, void *ctx) {
  ValidateCall *c = ctx;
  bool ok = kernel_is(c->method) ? validate_geweke(vm, c->model, c->method, &c->options, false, stdout, NULL)
            : c->exact           ? validate_exact(vm, c->model, c->method, &c->options, stdout, NULL)
                                 : validate_sbc(vm, c->model, c->method, &c->options, stdout, NULL);
  return val_bool(ok);
}

/* ppl validate: runs the file's top level (its output hidden), then checks
 * the method on its model. */
static int validate_command(VM *vm, const CliOptions *o, ObjFunction *fn) {
  FILE *devnull = fopen("/dev/null", "w");
  vm->rt->out = devnull ? devnull : stdout;
  bool ran = driver_run(vm, fn, NULL, stderr);
  vm->rt->out = stdout;
  if (devnull) fclose(devnull);
  if (!ran) return EXIT_RUNTIME;
  Value model = VAL_UNDEF;
  if (o->model) {
    model = vm_get_global(vm, o->model);
    if (model == VAL_UNDEF) {
      fprintf(stderr, "ppl: validate: '%s' does not define '%s'\n", o->file, o->model);
      return EXIT_USAGE;
    }
  } else {
    model = vm_get_global(vm, "model");
    if (model == VAL_UNDEF) model = inference_last_model(vm);
    if (model == VAL_UNDEF || model == VAL_NIL) {
      fprintf(stderr, "ppl: validate: no model: name it with --model NAME (a function of no arguments)\n");
      return EXIT_USAGE;
    }
  }
  Source *msrc = src_new("<--method>", o->method, strlen(o->method));
  ObjFunction *mfn = driver_compile(vm, msrc, stderr, NULL);
  Value method;
  if (!mfn || !driver_run(vm, mfn, &method, stderr)) return EXIT_USAGE;
  if (!method_is(method) && !kernel_is(method)) {
    fprintf(stderr, "ppl: validate: --method must be an inference method, like 'importance({particles: 1000})', "
                    "or an MCMC kernel (Geweke's test)\n");
    return EXIT_USAGE;
  }
  ValidateCall call = {model, method, {0}, o->exact};
  validate_defaults(&call.options);
  call.options.sims = (uint32_t)o->sims;
  call.options.draws = (uint32_t)o->draws;
  Value verdict;
  if (!driver_call(vm, run_validation, &call, &verdict, stderr)) return EXIT_RUNTIME;
  fflush(stdout);
  return verdict == VAL_TRUE ? EXIT_OK : EXIT_RUNTIME;
}

/* The collector starts with a heap of a few hundred kilobytes and grows it
 * slowly, collecting every few hundred kilobytes allocated; a collection
 * scans the roots whatever the heap's size, so MCMC on a small model,
 * which allocates a little on every move, spent a tenth of its time
 * collecting. Starting at 8 MiB (address space; pages are touched as they
 * are used) makes that rare. GC_INITIAL_HEAP_SIZE still sets it. */
#define INITIAL_HEAP (8u << 20)

int main(int argc, char **argv) {
  GC_INIT();
  if (!getenv("GC_INITIAL_HEAP_SIZE")) GC_expand_hp(INITIAL_HEAP);
  CliOptions o;
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
  if (strcmp(o.command, "validate") == 0) return validate_command(vm, &o, fn);
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
