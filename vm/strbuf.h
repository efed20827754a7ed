/* strbuf.h — a growable byte buffer for building text (messages, str(),
 * printing). Its memory is on the GC heap (it holds no pointers), so a
 * runtime error that jumps past sb_free leaks nothing. */
#ifndef PPL_STRBUF_H
#define PPL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct StrBuf {
  char *data; /* NUL-terminated */
  size_t len, cap;
} StrBuf;

void sb_init(StrBuf *sb);
void sb_free(StrBuf *sb);
/* Frees the buffer and returns its text as a malloc'd string (free() it). */
char *sb_take(StrBuf *sb);
void sb_putc(StrBuf *sb, char c);
void sb_puts(StrBuf *sb, const char *s);
void sb_putn(StrBuf *sb, const char *s, size_t n);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap);
/* The shortest decimal text that reads back as d ("3", "0.1", "1e-300",
 * "inf", "nan"). */
void sb_num(StrBuf *sb, double d);

/* The same text in a caller's buffer, for messages: "1234567", "0.1". */
typedef struct NumText {
  char s[40];
} NumText;
NumText num_fmt(double d);

#endif
