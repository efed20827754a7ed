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
  for (int i = 0; i < d->count; i++)
    src_report(out, d->src, copy[i].span, copy[i].is_warning ? "warning" : "error", copy[i].message,
               copy[i].hint);
  free(copy);
}

/* Optimal string alignment distance (edits, with adjacent swaps). */
static int edit_distance(const char *a, const char *b) {
  int n = (int)strlen(a), m = (int)strlen(b);
  if (n > 64 || m > 64) return 99;
  int d[65][65];
  for (int i = 0; i <= n; i++) d[i][0] = i;
  for (int j = 0; j <= m; j++) d[0][j] = j;
  for (int i = 1; i <= n; i++)
    for (int j = 1; j <= m; j++) {
      int cost = a[i - 1] != b[j - 1];
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[n][m];
}

const char *diag_closest(const char *name, const char *const *candidates, int n) {
  int len = (int)strlen(name);
  int limit = len <= 2 ? 1 : len <= 5 ? 2 : 3;
  const char *best = NULL;
  int best_d = limit + 1;
  for (int i = 0; i < n; i++) {
    if (!candidates[i] || candidates[i][0] == '\0' || strcmp(candidates[i], name) == 0) continue;
    int dist = edit_distance(name, candidates[i]);
    if (dist < best_d) {
      best_d = dist;
      best = candidates[i];
    }
  }
  return best;
}
