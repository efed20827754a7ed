#include "source.h"

#include <errno.h>
#include <gc/gc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Source *src_new(const char *name, const char *text, size_t len) {
  Source *s = GC_MALLOC(sizeof *s);
  char *copy = GC_MALLOC_ATOMIC(len + 1);
  memcpy(copy, text, len);
  copy[len] = '\0';
  size_t nlen = strlen(name);
  char *ncopy = GC_MALLOC_ATOMIC(nlen + 1);
  memcpy(ncopy, name, nlen + 1);
  s->name = ncopy;
  s->text = copy;
  s->len = len;
  s->first_line = 1;
  s->library = 0;
  return s;
}

/* Text is "binary" when it holds a NUL byte or is not valid UTF-8. */
static bool looks_binary(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c == 0) return true;
    if (c < 0x80) {
      i++;
      continue;
    }
    int extra = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (extra < 0 || i + (size_t)extra >= n) return true;
    for (int k = 1; k <= extra; k++)
      if ((p[i + k] & 0xc0) != 0x80) return true;
    i += (size_t)extra + 1;
  }
  return false;
}

Source *src_read_file(const char *path, const char **why) {
  struct stat st;
  if (stat(path, &st) != 0) {
    *why = strerror(errno);
    return NULL;
  }
  if (S_ISDIR(st.st_mode)) {
    *why = "is a directory";
    return NULL;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    *why = strerror(errno);
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  bool failed = ferror(f);
  fclose(f);
  if (failed) {
    free(buf);
    *why = "read error";
    return NULL;
  }
  if (looks_binary((const unsigned char *)buf, len)) {
    free(buf);
    *why = "looks like a binary file, not ppl source";
    return NULL;
  }
  Source *s = src_new(path, buf, len);
  free(buf);
  return s;
}

const char *src_line(const Source *src, int line, size_t *len) {
  int cur = src->first_line;
  const char *p = src->text;
  const char *end = src->text + src->len;
  while (cur < line) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return NULL;
    p = nl + 1;
    cur++;
  }
  if (p > end || (p == end && line != cur)) return NULL;
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
  if (n > 0 && p[n - 1] == '\r') n--;
  *len = n;
  return p;
}

bool src_use_color(FILE *out) {
  const char *nc = getenv("NO_COLOR");
  if (nc && *nc) return false;
  const char *term = getenv("TERM");
  if (term && strcmp(term, "dumb") == 0) return false;
  return isatty(fileno(out));
}

Span span_join(Span a, Span b) {
  Span s = a;
  s.end_line = b.end_line;
  s.end_col = b.end_col;
  return s;
}

/* Prints the caret line: spaces (tabs kept, so the caret lines up) up to the
 * first column, then '^' and '~' up to the end column on the same line. */
static void print_caret(FILE *out, const char *line, size_t len, Span span, bool color) {
  int col = 1;
  size_t i = 0;
  while (i < len && col < span.col) {
    unsigned char c = (unsigned char)line[i];
    fputc(c == '\t' ? '\t' : ' ', out);
    col++;
    i++;
    while (i < len && ((unsigned char)line[i] & 0xc0) == 0x80) i++;
  }
  int last = span.end_line == span.line ? span.end_col : col;
  if (last < span.col) last = span.col;
  int width = last - span.col + 1;
  if (width > 200) width = 200;
  if (color) fputs("\x1b[1;32m", out);
  fputc('^', out);
  for (int k = 1; k < width; k++) fputc('~', out);
  if (color) fputs("\x1b[0m", out);
  fputc('\n', out);
}

void src_report(FILE *out, const Source *src, Span span, const char *kind,
                const char *message, const char *hint) {
  bool color = src_use_color(out);
  const char *kcolor = strcmp(kind, "error") == 0 ? "\x1b[1;31m" : "\x1b[1;35m";
  if (src && span.line > 0) {
    if (color) fputs("\x1b[1m", out);
    fprintf(out, "%s:%d:%d: ", src->name, span.line, span.col);
    if (color) fputs("\x1b[0m", out);
  }
  if (color) fprintf(out, "%s%s:\x1b[0m ", kcolor, kind);
  else fprintf(out, "%s: ", kind);
  fprintf(out, "%s\n", message);
  size_t len;
  const char *line = (src && span.line > 0) ? src_line(src, span.line, &len) : NULL;
  if (line) {
    fprintf(out, "%5d | %.*s\n", span.line, (int)len, line);
    fputs("      | ", out);
    print_caret(out, line, len, span, color);
  }
  if (hint) fprintf(out, "hint: %s\n", hint);
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

const char *src_closest(const char *name, const char *const *candidates, int n) {
  int len = (int)strlen(name);
  /* a one-letter name is one edit from every other: suggest nothing */
  int limit = len <= 1 ? 0 : len <= 2 ? 1 : len <= 5 ? 2 : 3;
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
