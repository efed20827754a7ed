/* parser.h — source text to syntax tree. Nothing here knows about bytecode.
 *
 * parser_parse() always returns a program (an N_BLOCK); syntax errors are
 * added to diags, several per file where recovery allows. */
#ifndef PPL_PARSER_H
#define PPL_PARSER_H

#include "lang/ast.h"
#include "lang/diag.h"

Node *parser_parse(const Source *src, Diags *diags);

/* For the REPL: true when the text ends inside an open bracket, string or
 * comment, so more lines should be read before parsing. */
bool parser_input_incomplete(const char *text, size_t len);

#endif
