#include "strbuf.h"

#include <gc/gc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(StrBuf *sb) {
  sb->cap = 64;
  sb->len = 0;
  sb->data = GC_MALLOC_ATOMIC(sb->cap);
  sb->data[0] = '\0';
}

void sb_free(StrBuf *sb) {
  GC_FREE(sb->data);
  sb->data = NULL;
  sb->len = sb->cap = 0;
}

char *sb_take(StrBuf *sb) {
  char *s = strdup(sb->data);
  sb_free(sb);
  return s;
}

static void reserve(StrBuf *sb, size_t extra) {
  if (sb->len + extra + 1 <= sb->cap) return;
  while (sb->len + extra + 1 > sb->cap) sb->cap *= 2;
  sb->data = GC_REALLOC(sb->data, sb->cap);
}

void sb_putn(StrBuf *sb, const char *s, size_t n) {
  reserve(sb, n);
  memcpy(sb->data + sb->len, s, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
}

void sb_putc(StrBuf *sb, char c) { sb_putn(sb, &c, 1); }
void sb_puts(StrBuf *sb, const char *s) { sb_putn(sb, s, strlen(s)); }

void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n <= 0) return;
  reserve(sb, (size_t)n);
  vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
  sb->len += (size_t)n;
}

void sb_printf(StrBuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(sb, fmt, ap);
  va_end(ap);
}

void sb_num(StrBuf *sb, double d) {
  char buf[40];
  if (isnan(d)) {
    sb_puts(sb, "nan");
    return;
  }
  if (isinf(d)) {
    sb_puts(sb, d > 0 ? "inf" : "-inf");
    return;
  }
  if (d == floor(d) && fabs(d) < 1e16) {
    snprintf(buf, sizeof buf, "%.0f", d);
    if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
    sb_puts(sb, buf);
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) break;
  }
  sb_puts(sb, buf);
}

NumText num_fmt(double d) {
  NumText t;
  StrBuf sb;
  sb_init(&sb);
  sb_num(&sb, d);
  snprintf(t.s, sizeof t.s, "%s", sb.data);
  sb_free(&sb);
  return t;
}
