/* repl.c — the interactive loop. With a terminal it uses GNU readline (line
 * editing, a history file); with piped input it reads lines quietly, which
 * is how the tests drive it. */
#include "repl.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "driver.h"
#include "parser/parser.h"
#include "vm/debug.h"
#include "vm/print.h"
#include "vm/strbuf.h"

static VM *repl_vm;
static volatile sig_atomic_t in_readline;

static void on_sigint(int sig) {
  (void)sig;
  if (in_readline) {
    /* abandon the line being typed */
    write(STDOUT_FILENO, "\n", 1);
    rl_on_new_line();
    rl_replace_line("", 0);
    rl_redisplay();
    return;
  }
  repl_vm->rt->interrupted = 1;
}

static const char *help_text =
    "Type an expression to see its value, or a statement such as\n"
    "  let x = 3;   fn sq(x) { x * x }\n"
    "Definitions stay for the rest of the session. Input continues on the next\n"
    "line while brackets are open.\n"
    "\n"
    "A model is a function of no arguments; infer runs a method on it:\n"
    "  fn coin() { p ~ beta(1, 1); observe(bernoulli(p), true); p }\n"
    "  let post = infer(coin, mh({samples: 2000}));   summary(post)\n"
    "Methods: enumerate, rejection, importance, smc, pgibbs, pmmh, pimh, mh.\n"
    "validate(coin, mh()) checks a method by simulation-based calibration.\n"
    "New to Bayesian modelling? docs/tutorial.md in the ppl sources starts\n"
    "from the beginning; docs/language.md and docs/inference.md are the guides.\n"
    "\n"
    "  :help        this text\n"
    "  :load FILE   run a file in this session (its definitions stay)\n"
    "  :dis EXPR    show the bytecode of an expression or statement\n"
    "  :quit        leave (or Ctrl-D)\n"
    "\n"
    "Ctrl-C stops a long computation and returns to the prompt.\n";

typedef struct Input {
  bool tty;
  char *history_path;
} Input;

/* Reads one line without its newline; NULL at end of input. */
static char *read_line(Input *in, const char *prompt) {
  if (in->tty) {
    in_readline = 1;
    char *line = readline(prompt);
    in_readline = 0;
    return line;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) {
    free(line);
    return NULL;
  }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = '\0';
  return line;
}

static bool blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return false;
  return true;
}

/* Lines read so far: each input is numbered from where it starts in the
 * session, so messages point at the session's line. */
static int session_line = 1;

static ObjFunction *try_compile(VM *vm, const char *prefix, const char *text, const char *suffix,
                                bool *has_value, FILE *err) {
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, prefix);
  sb_puts(&sb, text);
  sb_puts(&sb, suffix);
  Source *src = src_new("<repl>", sb.data, sb.len);
  src->first_line = session_line;
  sb_free(&sb);
  return driver_compile(vm, src, err, has_value);
}

/* Compiles an input. What a prompt should accept beyond a file: a last
 * statement without its ';' (let x = 3), and a record literal standing
 * alone ({a: 1}), which at the start of a file would be a block. */
static ObjFunction *compile_input(VM *vm, const char *text, bool *has_value) {
  ObjFunction *fn = try_compile(vm, "", text, "", has_value, NULL);
  if (!fn) fn = try_compile(vm, "", text, ";", has_value, NULL);
  if (!fn && text[strspn(text, " \t")] == '{') fn = try_compile(vm, "(", text, ")", has_value, NULL);
  if (!fn) fn = try_compile(vm, "", text, "", has_value, stderr); /* report the original errors */
  return fn;
}

static void eval(VM *vm, const char *text) {
  bool has_value = false;
  ObjFunction *fn = compile_input(vm, text, &has_value);
  if (!fn) return;
  vm->rt->interrupted = 0;
  Value result;
  if (driver_run(vm, fn, &result, stderr) && has_value && result != VAL_NIL) {
    val_print(stdout, result, true);
    putchar('\n');
  }
  fflush(stdout);
}

static void load_file(VM *vm, const char *path) {
  const char *why;
  Source *src = src_read_file(path, &why);
  if (!src) {
    fprintf(stderr, "cannot read '%s': %s\n", path, why);
    return;
  }
  ObjFunction *fn = driver_compile(vm, src, stderr, NULL);
  if (!fn) return;
  vm->rt->interrupted = 0;
  driver_run(vm, fn, NULL, stderr);
}

static void disassemble(VM *vm, const char *text) {
  bool has_value;
  ObjFunction *fn = compile_input(vm, text, &has_value);
  if (fn) dis_function(stdout, fn);
}

/* Handles a ':' command; returns false for :quit. */
static bool command(VM *vm, char *line) {
  char *cmd = line + 1;
  char *arg = cmd;
  while (*arg && *arg != ' ' && *arg != '\t') arg++;
  if (*arg) *arg++ = '\0';
  while (*arg == ' ' || *arg == '\t') arg++;
  size_t n = strlen(arg);
  while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t')) arg[--n] = '\0';
  if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "q") == 0) return false;
  if (strcmp(cmd, "help") == 0 || strcmp(cmd, "h") == 0) fputs(help_text, stdout);
  else if (strcmp(cmd, "load") == 0 || strcmp(cmd, "l") == 0) {
    if (!*arg) fputs("usage: :load FILE\n", stderr);
    else load_file(vm, arg);
  } else if (strcmp(cmd, "dis") == 0) {
    if (!*arg) fputs("usage: :dis EXPR\n", stderr);
    else disassemble(vm, arg);
  } else {
    fprintf(stderr, "unknown command ':%s' (try :help)\n", cmd);
  }
  fflush(stdout);
  return true;
}

int repl_main(VM *vm) {
  repl_vm = vm;
  Input in = {isatty(STDIN_FILENO) && isatty(STDOUT_FILENO), NULL};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  if (in.tty) {
    const char *home = getenv("HOME");
    const char *override = getenv("PPL_HISTORY");
    StrBuf sb;
    sb_init(&sb);
    if (override) sb_puts(&sb, override);
    else if (home) sb_printf(&sb, "%s/.ppl_history", home);
    if (sb.len) {
      in.history_path = strdup(sb.data);
      read_history(in.history_path);
    }
    sb_free(&sb);
    printf("ppl %s. Type :help for help, Ctrl-D to leave.\n", PPL_VERSION);
  }
  StrBuf input;
  sb_init(&input);
  for (;;) {
    char *line = read_line(&in, input.len ? "...> " : "ppl> ");
    if (!line) {
      if (in.tty) putchar('\n');
      break;
    }
    if (input.len == 0 && line[0] == ':') {
      session_line++;
      if (in.tty) add_history(line);
      bool go_on = command(vm, line);
      free(line);
      if (!go_on) break;
      continue;
    }
    if (input.len) sb_putc(&input, '\n');
    sb_puts(&input, line);
    free(line);
    if (parser_input_incomplete(input.data, input.len)) continue;
    if (!blank(input.data)) {
      if (in.tty) add_history(input.data);
      eval(vm, input.data);
    }
    for (const char *p = input.data; *p; p++) session_line += *p == '\n';
    session_line++;
    input.len = 0;
    input.data[0] = '\0';
  }
  sb_free(&input);
  if (in.history_path) {
    write_history(in.history_path);
    free(in.history_path);
  }
  return 0;
}
