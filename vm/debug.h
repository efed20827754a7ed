/* debug.h — the disassembler: how `ppl dis` and the REPL's :dis show
 * bytecode, and how the compiler is tested. One instruction a line:
 *
 *   offset  line:col  OPCODE  operand  ; constant or jump target
 */
#ifndef PPL_DEBUG_H
#define PPL_DEBUG_H

#include <stdio.h>

#include "object.h"

/* Disassembles fn and, after it, every function among its constants. */
void dis_function(FILE *out, const ObjFunction *fn);
void dis_instruction(FILE *out, const ObjFunction *fn, int offset);

#endif
