/* lexstate.h — what the lexer and grammar share: the position being read,
 * the open brackets, the diagnostics, and helpers the lexer's actions call.
 * Token locations are Spans (the grammar sets api.location.type to Span). */
#ifndef PPL_LEXSTATE_H
#define PPL_LEXSTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/diag.h"

#define LEX_MAX_OPEN 256

typedef struct OpenBracket {
  char ch;
  Span span;
} OpenBracket;

typedef struct LexState {
  const Source *src;
  Diags *diags;
  int line, col;
  Span comment_start;
  OpenBracket open[LEX_MAX_OPEN]; /* brackets not yet closed, innermost last */
  int n_open;
  char last_text[48]; /* text of the last name or number, for messages */
} LexState;

void lex_advance(LexState *st, Span *loc, const char *text, size_t len);
void lex_bracket(LexState *st, char c, Span loc);
void lex_remember(LexState *st, const char *text, size_t len);
void lex_error(LexState *st, Span loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Decodes the escapes of a string literal's body; false (after reporting)
 * when one is invalid. */
bool lex_string(LexState *st, Span loc, const char *body, size_t len, char **out, int *out_len);

#endif
