#include "parser.h"

#include <gc/gc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "grammar.h"
#include "lexer.h"
#include "vm/strbuf.h"

void lex_advance(LexState *st, Span *loc, const char *text, size_t len) {
  loc->line = st->line;
  loc->col = st->col;
  int last_line = st->line, last_col = st->col;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if ((c & 0xc0) == 0x80) continue; /* UTF-8 continuation byte */
    last_line = st->line;
    last_col = st->col;
    if (c == '\n') {
      st->line++;
      st->col = 1;
    } else {
      st->col++;
    }
  }
  loc->end_line = last_line;
  loc->end_col = last_col;
}

void lex_bracket(LexState *st, char c, Span loc) {
  if (c == '(' || c == '[' || c == '{') {
    if (st->n_open < LEX_MAX_OPEN) {
      st->open[st->n_open].ch = c;
      st->open[st->n_open].span = loc;
      st->n_open++;
    }
    return;
  }
  char opener = c == ')' ? '(' : c == ']' ? '[' : c == '}' ? '{' : 0;
  if (!opener) return;
  for (int i = st->n_open - 1; i >= 0; i--)
    if (st->open[i].ch == opener) {
      st->n_open = i;
      return;
    }
}

void lex_remember(LexState *st, const char *text, size_t len) {
  if (len >= sizeof st->last_text) len = sizeof st->last_text - 1;
  memcpy(st->last_text, text, len);
  st->last_text[len] = '\0';
}

void lex_error(LexState *st, Span loc, const char *hint, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  StrBuf sb;
  sb_init(&sb);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  diag_error(st->diags, loc, hint, "%s", sb.data);
  sb_free(&sb);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_utf8(StrBuf *sb, unsigned long cp) {
  if (cp < 0x80) sb_putc(sb, (char)cp);
  else if (cp < 0x800) {
    sb_putc(sb, (char)(0xc0 | (cp >> 6)));
    sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    sb_putc(sb, (char)(0xe0 | (cp >> 12)));
    sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
    sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
  } else {
    sb_putc(sb, (char)(0xf0 | (cp >> 18)));
    sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
    sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
    sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
  }
}

bool lex_string(LexState *st, Span loc, const char *body, size_t len, char **out, int *out_len) {
  StrBuf sb;
  sb_init(&sb);
  bool ok = true;
  int col = loc.col + 1; /* column of body[i], for pointing at a bad escape */
  for (size_t i = 0; i < len; i++, col++) {
    char c = body[i];
    if (((unsigned char)c & 0xc0) == 0x80) col--; /* continuation bytes share a column */
    if (c != '\\') {
      sb_putc(&sb, c);
      continue;
    }
    char e = body[++i];
    Span at = {loc.line, col, loc.line, col + 1};
    col++;
    switch (e) {
    case 'n': sb_putc(&sb, '\n'); break;
    case 't': sb_putc(&sb, '\t'); break;
    case 'r': sb_putc(&sb, '\r'); break;
    case '0': sb_putc(&sb, '\0'); break;
    case '\\': sb_putc(&sb, '\\'); break;
    case '"': sb_putc(&sb, '"'); break;
    case 'u': {
      unsigned long cp = 0;
      size_t j = i + 1;
      bool good = j < len && body[j] == '{';
      int digits = 0;
      if (good) {
        for (j++; j < len && body[j] != '}'; j++, digits++) {
          int h = hex_value(body[j]);
          if (h < 0 || digits >= 6) {
            good = false;
            break;
          }
          cp = cp * 16 + (unsigned long)h;
        }
        /* surrogates (D800-DFFF) are not characters: they cannot be UTF-8 */
        good = good && j < len && digits > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
      }
      if (!good) {
        lex_error(st, at, "write a code point as \\u{1F600}", "malformed \\u escape");
        ok = false;
        break;
      }
      put_utf8(&sb, cp);
      col += (int)(j - i);
      i = j;
      break;
    }
    default: {
      /* name the whole character after the backslash, even when it takes
       * several bytes of UTF-8 */
      unsigned char lead = (unsigned char)e;
      int n = lead < 0x80 ? 1 : (lead & 0xe0) == 0xc0 ? 2 : (lead & 0xf0) == 0xe0 ? 3 : (lead & 0xf8) == 0xf0 ? 4 : 1;
      if (i + (size_t)n > len) n = (int)(len - i);
      lex_error(st, at, "the escapes are \\n \\t \\r \\0 \\\\ \\\" and \\u{...}", "unknown escape '\\%.*s'", n,
                body + i);
      i += (size_t)n - 1;
      ok = false;
    }
    }
  }
  char *copy = GC_MALLOC_ATOMIC(sb.len + 1);
  memcpy(copy, sb.data, sb.len + 1);
  *out = copy;
  *out_len = (int)sb.len;
  sb_free(&sb);
  return ok;
}

Node *parser_parse(const Source *src, Diags *diags) {
  LexState *st = GC_MALLOC(sizeof *st);
  memset(st, 0, sizeof *st);
  st->src = src;
  st->diags = diags;
  st->line = src->first_line;
  st->col = 1;
  yyscan_t scanner;
  yylex_init_extra(st, &scanner);
  YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
  ParseCtx ctx = {st, NULL};
  yyparse(scanner, &ctx);
  yy_delete_buffer(buf, scanner);
  yylex_destroy(scanner);
  if (!ctx.result) {
    Span s = {src->first_line, 1, src->first_line, 1};
    ctx.result = node_new(N_BLOCK, s);
  }
  return ctx.result;
}

bool parser_input_incomplete(const char *text, size_t len) {
  int depth = 0;
  bool in_block_comment = false;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (in_block_comment) {
      if (c == '*' && i + 1 < len && text[i + 1] == '/') {
        in_block_comment = false;
        i++;
      }
      continue;
    }
    if (c == '/' && i + 1 < len && text[i + 1] == '/') {
      while (i < len && text[i] != '\n') i++;
      continue;
    }
    if (c == '/' && i + 1 < len && text[i + 1] == '*') {
      in_block_comment = true;
      i++;
      continue;
    }
    if (c == '"') {
      for (i++; i < len && text[i] != '"' && text[i] != '\n'; i++)
        if (text[i] == '\\') i++;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') depth++;
    if (c == ')' || c == ']' || c == '}') depth--;
  }
  return depth > 0 || in_block_comment;
}
