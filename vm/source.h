/* source.h — source text, spans, and the one way every error is shown.
 *
 * A Source is a named piece of program text (a file, a REPL input, the
 * prelude). A Span is a 1-based line/column range in it. Both the compiler's
 * diagnostics and the VM's runtime errors go through src_report(), so every
 * message a user sees has the same shape:
 *
 *   model.ppl:3:5: error: unknown name 'fob'
 *       3 |   fob(2)
 *         |   ^~~
 *   hint: did you mean 'foo'?
 */
#ifndef PPL_SOURCE_H
#define PPL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct Source {
  const char *name; /* shown in messages: a path, "<repl>", "<prelude>" */
  const char *text; /* NUL-terminated */
  size_t len;
  int first_line;   /* line number of text's first line (REPL inputs) */
  int library;      /* the prelude: errors inside it are reported at the
                       user's call into it */
} Source;

/* Columns count code points, not bytes, so carets line up under UTF-8. */
typedef struct Span {
  int line, col;         /* first character */
  int end_line, end_col; /* last character, inclusive */
} Span;

Source *src_new(const char *name, const char *text, size_t len);

/* Reads a whole file. On failure returns NULL and writes a one-line reason
 * ("No such file or directory", "is a directory", "looks like a binary
 * file") to *why. */
Source *src_read_file(const char *path, const char **why);

/* Prints "name:line:col: kind: message", the source line, a caret line, and
 * "hint: ..." when hint is non-NULL. src may be NULL (no location). */
void src_report(FILE *out, const Source *src, Span span, const char *kind,
                const char *message, const char *hint);

/* The text of line `line` (1-based) without its newline; *len gets its
 * length. Returns NULL when the line does not exist. */
const char *src_line(const Source *src, int line, size_t *len);

/* Whether stderr-style output should be coloured (a terminal, NO_COLOR unset). */
bool src_use_color(FILE *out);

Span span_join(Span a, Span b);

/* The closest of candidates to name by edit distance, or NULL when none is
 * close enough to be a likely typo ("did you mean ..."). */
const char *src_closest(const char *name, const char *const *candidates, int n);

#endif
