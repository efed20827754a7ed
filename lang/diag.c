#include "diag.h"

#include <gc/gc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vm/strbuf.h"

void diags_init(Diags *d, const Source *src) {
  d->src = src;
  d->items = NULL;
  d->count = d->cap = 0;
  d->errors = 0;
}

static char *gc_copy(const char *s) {
  size_t n = strlen(s);
  char *c = GC_MALLOC_ATOMIC(n + 1);
  memcpy(c, s, n + 1);
  return c;
}

static void add(Diags *d, Span span, const char *hint, int warning, const char *fmt, va_list ap) {
  if (d->count == d->cap) {
    int cap = d->cap ? d->cap * 2 : 8;
    d->items = GC_REALLOC(d->items, sizeof(Diag) * (size_t)cap);
    d->cap = cap;
  }
  StrBuf sb;
  sb_init(&sb);
  sb_vprintf(&sb, fmt, ap);
  Diag *g = &d->items[d->count++];
  g->span = span;
  g->message = gc_copy(sb.data);
  g->hint = hint ? gc_copy(hint) : NULL;
  g->is_warning = warning;
  sb_free(&sb);
  if (!warning) d->errors++;
}

void diag_error(Diags *d, Span span, const char *hint, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(d, span, hint, 0, fmt, ap);
  va_end(ap);
}

void diag_warning(Diags *d, Span span, const char *hint, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(d, span, hint, 1, fmt, ap);
  va_end(ap);
}

static int by_position(const void *a, const void *b) {
  const Diag *x = a, *y = b;
  if (x->span.line != y->span.line) return x->span.line - y->span.line;
  return x->span.col - y->span.col;
}

enum { DIAGS_SHOWN = 50 };

void diags_print(const Diags *d, FILE *out) {
  /* A stable sort keeps diagnostics at one position in the order found. */
  Diag *copy = malloc(sizeof(Diag) * (size_t)(d->count ? d->count : 1));
  memcpy(copy, d->items, sizeof(Diag) * (size_t)d->count);
  for (int i = 1; i < d->count; i++) {
    Diag key = copy[i];
    int j = i - 1;
    while (j >= 0 && by_position(&copy[j], &key) > 0) {
      copy[j + 1] = copy[j];
      j--;
    }
    copy[j + 1] = key;
  }
  /* A file that is not ppl at all can give thousands of errors; the first
   * few are the ones worth reading (and each costs a scan for its line). */
  int shown = d->count < DIAGS_SHOWN ? d->count : DIAGS_SHOWN;
  for (int i = 0; i < shown; i++)
    src_report(out, d->src, copy[i].span, copy[i].is_warning ? "warning" : "error", copy[i].message,
               copy[i].hint);
  if (d->count > shown)
    fprintf(out, "%s: %d more errors and warnings not shown; fix the ones above first\n", d->src->name,
            d->count - shown);
  free(copy);
}

const char *diag_closest(const char *name, const char *const *candidates, int n) {
  return src_closest(name, candidates, n);
}
