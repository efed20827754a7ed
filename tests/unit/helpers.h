/* helpers.h — shared by the unit tests: run ppl source and look at the
 * result, or at the syntax tree, the diagnostics or the bytecode it produced.
 *
 * Criterion runs every test in its own process, so each helper may make a
 * fresh VM without cleaning up after itself. */
#ifndef PPL_TEST_HELPERS_H
#define PPL_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <gc/gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/driver.h"
#include "lang/ast.h"
#include "lang/diag.h"
#include "parser/parser.h"
#include "vm/debug.h"
#include "vm/print.h"

/* Compiles and runs text on vm; returns its value, or VAL_UNDEF after a
 * compile or runtime error (whose text goes to *messages when given). */
static inline Value run_on(VM *vm, const char *text, char **messages) {
  char *buf = NULL;
  size_t len = 0;
  FILE *err = open_memstream(&buf, &len);
  Source *src = src_new("test.ppl", text, strlen(text));
  ObjFunction *fn = driver_compile(vm, src, err, NULL);
  Value result = VAL_UNDEF;
  if (fn && !driver_run(vm, fn, &result, err)) result = VAL_UNDEF;
  fclose(err);
  if (messages) *messages = buf;
  else free(buf);
  return result;
}

/* Runs source in a fresh VM (seed 1). What it prints is thrown away: the
 * test's standard output carries TAP. */
static inline Value run_source(const char *text, char **messages) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  VM *vm = driver_new_vm(1);
  vm->rt->out = devnull;
  return run_on(vm, text, messages);
}

/* The value printed as the REPL would show it (malloc'd). */
static inline char *show(Value v) {
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, v, true);
  return sb_take(&sb);
}

#define assert_value(src, expected)                                              \
  do {                                                                           \
    char *msgs_;                                                                 \
    Value v_ = run_source(src, &msgs_);                                          \
    cr_assert_neq(v_, VAL_UNDEF, "%s\nfailed:\n%s", src, msgs_);                 \
    char *got_ = show(v_);                                                       \
    cr_assert_str_eq(got_, expected, "%s\n=> %s, expected %s", src, got_, expected); \
    free(got_);                                                                  \
    free(msgs_);                                                                 \
  } while (0)

#define assert_error(src, fragment)                                              \
  do {                                                                           \
    char *msgs_;                                                                 \
    Value v_ = run_source(src, &msgs_);                                          \
    cr_assert_eq(v_, VAL_UNDEF, "%s\nshould fail but gave a value", src);        \
    cr_assert(strstr(msgs_, fragment) != NULL, "%s\nmessages:\n%s\nshould contain: %s", src, msgs_, fragment); \
    free(msgs_);                                                                 \
  } while (0)

/* The first line of the messages must be exactly "test.ppl:L:C: error: msg". */
#define assert_error_at(src, first_line)                                         \
  do {                                                                           \
    char *msgs_;                                                                 \
    Value v_ = run_source(src, &msgs_);                                          \
    cr_assert_eq(v_, VAL_UNDEF, "%s\nshould fail but gave a value", src);        \
    msgs_[strcspn(msgs_, "\n")] = '\0';                                          \
    cr_assert_str_eq(msgs_, first_line, "%s\nfirst message: %s\nexpected:      %s", src, msgs_, first_line); \
    free(msgs_);                                                                 \
  } while (0)

/* ------------------------------------------------------------- parsing */

typedef struct Parsed {
  Node *program;
  Diags diags;
} Parsed;

static inline Parsed *parse_text(const char *text) {
  Parsed *p = GC_MALLOC(sizeof *p);
  Source *src = src_new("test.ppl", text, strlen(text));
  diags_init(&p->diags, src);
  p->program = parser_parse(src, &p->diags);
  return p;
}

/* The tree as an S-expression (malloc'd). */
static inline char *dump_node(const Node *n) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  ast_dump(out, n);
  fclose(out);
  return buf;
}

/* Every diagnostic, in the order found, one "L:C-L:C: message" a line
 * (malloc'd). */
static inline char *diag_lines(const Diags *d) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  for (int i = 0; i < d->count; i++) {
    const Diag *g = &d->items[i];
    fprintf(out, "%d:%d-%d:%d: %s\n", g->span.line, g->span.col, g->span.end_line, g->span.end_col, g->message);
  }
  fclose(out);
  return buf;
}

/* The program parses without a diagnostic and dumps as expected. */
#define assert_ast(src, expected)                                                \
  do {                                                                           \
    Parsed *p_ = parse_text(src);                                                \
    char *d_ = diag_lines(&p_->diags);                                           \
    cr_assert_eq(p_->diags.count, 0, "%s\nunexpected diagnostics:\n%s", src, d_); \
    char *t_ = dump_node(p_->program);                                           \
    cr_assert_str_eq(t_, expected, "%s\n=> %s\nexpected %s", src, t_, expected); \
    free(t_);                                                                    \
    free(d_);                                                                    \
  } while (0)

/* The program's diagnostics, one "L:C-L:C: message" a line, are exactly
 * expected. */
#define assert_diags(src, expected)                                              \
  do {                                                                           \
    Parsed *p_ = parse_text(src);                                                \
    char *d_ = diag_lines(&p_->diags);                                           \
    cr_assert_str_eq(d_, expected, "%s\ndiagnostics:\n%s\nexpected:\n%s", src, d_, expected); \
    free(d_);                                                                    \
  } while (0)

/* ------------------------------------------------------------ bytecode */

/* Compiles text on a fresh VM; NULL (after a failed assertion) when it does
 * not compile. */
static inline ObjFunction *compile_text(VM *vm, const char *text) {
  char *buf = NULL;
  size_t len = 0;
  FILE *err = open_memstream(&buf, &len);
  Source *src = src_new("test.ppl", text, strlen(text));
  ObjFunction *fn = driver_compile(vm, src, err, NULL);
  fclose(err);
  cr_assert_not_null(fn, "%s\ndoes not compile:\n%s", text, buf);
  free(buf);
  return fn;
}

/* The disassembly of fn and the functions it contains (malloc'd). */
static inline char *disassemble(const ObjFunction *fn) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  dis_function(out, fn);
  fclose(out);
  return buf;
}

/* Only the opcodes and operands of one function, one instruction a line,
 * without offsets, positions or trailing blanks: "GET_LOCAL 1\nADD_K 0\n".
 * Comments after ';' are kept (they name constants and jump targets). */
static inline char *opcodes(const ObjFunction *fn) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  for (int i = 0; i < fn->chunk.count; i++) {
    char *line = NULL;
    size_t llen = 0;
    FILE *one = open_memstream(&line, &llen);
    dis_instruction(one, fn, i);
    fclose(one);
    /* skip "0000     1:9    " : offset, then line:col */
    char *p = line;
    while (*p && *p != ' ') p++;
    while (*p == ' ') p++;
    while (*p && *p != ' ') p++;
    while (*p == ' ') p++;
    /* squeeze runs of blanks and tabs into one space, drop trailing ones */
    char out_line[512];
    size_t k = 0;
    bool blank = false;
    for (; *p && *p != '\n' && k + 1 < sizeof out_line; p++) {
      if (*p == ' ' || *p == '\t') {
        blank = true;
        continue;
      }
      if (blank && k > 0) out_line[k++] = ' ';
      blank = false;
      out_line[k++] = *p;
    }
    out_line[k] = '\0';
    fprintf(out, "%s\n", out_line);
    free(line);
  }
  fclose(out);
  return buf;
}

/* The function constant of fn with the given name (a nested function). */
static inline ObjFunction *find_function(const ObjFunction *fn, const char *name) {
  for (int i = 0; i < fn->chunk.n_consts; i++) {
    Value v = fn->chunk.consts[i];
    if (!val_is(v, OBJ_FUNCTION)) continue;
    ObjFunction *f = AS_FUNCTION(v);
    const char *n = f->name ? f->name->chars : "<anonymous>";
    if (strcmp(n, name) == 0) return f;
    ObjFunction *inner = find_function(f, name);
    if (inner) return inner;
  }
  return NULL;
}

#endif
