/* diag.h — compile-time diagnostics. The parser, resolver and compiler add
 * errors here instead of stopping at the first one; the driver prints them
 * all, in source order, through src_report(). */
#ifndef PPL_DIAG_H
#define PPL_DIAG_H

#include <stdio.h>

#include "vm/source.h"

typedef struct Diag {
  Span span;
  char *message;
  char *hint; /* or NULL */
  int is_warning;
} Diag;

typedef struct Diags {
  const Source *src;
  Diag *items;
  int count, cap;
  int errors;
} Diags;

void diags_init(Diags *d, const Source *src);
void diag_error(Diags *d, Span span, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warning(Diags *d, Span span, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prints every diagnostic in source order. */
void diags_print(const Diags *d, FILE *out);

/* The closest of `candidates` to `name` by edit distance, or NULL when none
 * is close enough to be a likely typo. */
const char *diag_closest(const char *name, const char *const *candidates, int n);

#endif
