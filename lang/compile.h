/* compile.h — resolved syntax tree to bytecode (vm/chunk.h).
 *
 * The compiler tracks the exact stack depth of every instruction it emits,
 * which gives each local its frame slot and each function its max_stack.
 * Calls in tail position become TAIL_CALL, which reuses the caller's frame:
 * tail recursion runs in constant stack.
 */
#ifndef PPL_COMPILE_H
#define PPL_COMPILE_H

#include "ast.h"
#include "diag.h"
#include "resolve.h"
#include "vm/vm.h"

/* Compiles a resolved program into its main function (arity 0), whose value
 * is the program's tail expression. Returns NULL when diags has errors. */
ObjFunction *compile_program(VM *vm, const Source *src, Node *program, FnInfo *main_info, Diags *diags);

#endif
