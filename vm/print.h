/* print.h — turning values into text, the one place that decides how a
 * value looks (println, str(), the REPL, error messages). */
#ifndef PPL_PRINT_H
#define PPL_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "strbuf.h"
#include "value.h"

/* repr=false: strings appear as their characters (println("a") prints a);
 * repr=true: strings are quoted and escaped (the REPL, inside arrays). */
void val_write(StrBuf *sb, Value v, bool repr);
void val_print(FILE *out, Value v, bool repr);
/* A short description for error messages: "number 3", "string \"a\"",
 * "array of 4". */
void val_describe(StrBuf *sb, Value v);

#endif
