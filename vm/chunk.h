/* chunk.h — the bytecode format, specified in one place.
 *
 * An instruction is one 32-bit word: the opcode in the low 8 bits and one
 * 24-bit operand above it, read as
 *   Ax  unsigned  (a slot, a count, a constant index K)
 *   sJ  signed    (a jump offset, relative to the next instruction)
 *
 * The VM is a stack machine. A call frame's slots start at its base:
 * slot 0 holds the called closure itself, slots 1..arity the arguments,
 * then `let` bindings and temporaries in the order the compiler pushed them.
 * Every instruction below lists its effect on the stack (before -> after).
 *
 * A chunk keeps, beside each instruction, the source span it came from (the
 * line table), used by runtime errors and `ppl dis`.
 */
#ifndef PPL_CHUNK_H
#define PPL_CHUNK_H

#include <stdint.h>

#include "source.h"
#include "value.h"

/*    name          operand  stack effect and meaning */
#define PPL_OPCODES(X)                                                              \
  X(CONST, K)        /* -> K[Ax]                                               */ \
  X(NIL, NONE)       /* -> nil                                                 */ \
  X(TRUE, NONE)      /* -> true                                                */ \
  X(FALSE, NONE)     /* -> false                                               */ \
  X(POP, NONE)       /* v ->                                                   */ \
  X(SLIDE, AX)       /* x1..xn v -> v        (drop Ax values under the top)    */ \
  X(GET_LOCAL, AX)   /* -> slot[Ax]                                            */ \
  X(GET_CAPTURE, AX) /* -> the running closure's captured value Ax             */ \
  X(GET_GLOBAL, AX)  /* -> global Ax (error if not yet defined)                */ \
  X(DEF_GLOBAL, AX)  /* v ->                 (global Ax = v)                   */ \
  X(ADD, NONE)       /* a b -> a+b  (numbers add, strings join)                */ \
  X(SUB, NONE)       /* a b -> a-b                                             */ \
  X(MUL, NONE)       /* a b -> a*b                                             */ \
  X(DIV, NONE)       /* a b -> a/b                                             */ \
  X(MOD, NONE)       /* a b -> fmod(a, b)                                      */ \
  X(NEG, NONE)       /* a -> -a                                                */ \
  X(NOT, NONE)       /* b -> !b  (booleans only)                               */ \
  X(EQ, NONE)        /* a b -> a==b  (structural)                              */ \
  X(NE, NONE)        /* a b -> a!=b                                            */ \
  X(LT, NONE)        /* a b -> a<b   (numbers or strings)                      */ \
  X(LE, NONE)        /* a b -> a<=b                                            */ \
  X(GT, NONE)        /* a b -> a>b                                             */ \
  X(GE, NONE)        /* a b -> a>=b                                            */ \
  X(ADD_K, K)        /* a -> a+K[Ax]   (K a number)                            */ \
  X(SUB_K, K)        /* a -> a-K[Ax]                                           */ \
  X(LT_K, K)         /* a -> a<K[Ax]                                           */ \
  X(LE_K, K)         /* a -> a<=K[Ax]                                          */ \
  X(GT_K, K)         /* a -> a>K[Ax]                                           */ \
  X(GE_K, K)         /* a -> a>=K[Ax]                                          */ \
  X(JUMP, SJ)        /* ip += sJ                                               */ \
  X(JUMP_IF_FALSE, SJ) /* b ->   jump when b is false (b must be a boolean)    */ \
  X(LOOP, SJ)        /* ip += sJ (backward); checks for Ctrl-C and step limits */ \
  X(AND, SJ)         /* b -> b   if b is false jump (keeping it), else pop it  */ \
  X(OR, SJ)          /* b -> b   if b is true jump (keeping it), else pop it   */ \
  X(CHECK_BOOL, NONE) /* b -> b  error unless b is a boolean                   */ \
  X(CALL, AX)        /* f a1..an -> r      (n = Ax)                            */ \
  X(TAIL_CALL, AX)   /* f a1..an -> r      reusing the caller's frame          */ \
  X(DIST_CALL, AX)   /* f a1..an -> d      a call that is the distribution of  */ \
                     /*    a random choice: a constructor builds d in scratch  */ \
  X(RETURN, NONE)    /* r ->   back to the caller                              */ \
  X(CLOSURE, K)      /* c1..cm -> closure of function K[Ax] capturing c1..cm   */ \
  X(ARRAY, AX)       /* v1..vn -> [v1..vn]                                     */ \
  X(RECORD, K)       /* v1..vn -> record with shape K[Ax]                      */ \
  X(INDEX, NONE)     /* x i -> x[i]                                            */ \
  X(FIELD, K)        /* x -> x.K[Ax]                                           */ \
  X(RANGE, NONE)     /* a b -> [a, a+1, .., b-1]                               */ \
  X(UNPACK_ARRAY, AX) /* [v1..vn] -> v1..vn   (length must be Ax)              */ \
  X(UNPACK_RECORD, K) /* r -> r.k1..r.kn      (keys from shape K[Ax])          */ \
  X(FOR_RANGE, AX)   /* a b -> a n out k     (start a for loop over a..b;      */ \
                     /*                       Ax=1: collect values into out)   */ \
  X(FOR_ARRAY, AX)   /* xs -> xs n out k     (start a for loop over xs)        */ \
  X(FOR_NEXT, SJ)    /* s n out k -> s n out k x   or jump when k == n         */ \
  X(FOR_STORE, NONE) /* s n out k x v -> s n out k+1   (append v to out)       */ \
  X(FOR_SKIP, NONE)  /* s n out k x -> s n out k+1     (guard was false)       */ \
  X(FOR_END, NONE)   /* s n out k -> out                                       */ \
  X(SAMPLE, K)       /* i1..im [name] d -> x   random choice at site K[Ax]     */ \
  X(OBSERVE, K)      /* [name] d v -> nil      weight by logpdf(d, v)          */ \
  X(FACTOR, K)       /* w -> nil               weight by w                     */ \
  X(CONDITION, K)    /* b -> nil               weight by 0 or -inf             */

typedef enum OpCode {
#define PPL_OP_ENUM(name, fmt) OP_##name,
  PPL_OPCODES(PPL_OP_ENUM)
#undef PPL_OP_ENUM
  OP__COUNT
} OpCode;

typedef enum OpFormat { OPF_NONE, OPF_AX, OPF_K, OPF_SJ } OpFormat;

extern const char *const op_names[OP__COUNT];
extern const OpFormat op_formats[OP__COUNT];

typedef uint32_t Instr;

#define INSTR_OP(i) ((OpCode)((i)&0xffu))
#define INSTR_AX(i) ((uint32_t)(i) >> 8)
#define INSTR_SJ(i) ((int32_t)(i) >> 8)
#define INSTR_MAKE(op, ax) ((Instr)(op) | ((Instr)(ax) << 8))
#define INSTR_AX_MAX ((1u << 24) - 1)
#define INSTR_SJ_MAX ((1 << 23) - 1)

typedef struct Chunk {
  Instr *code;
  Span *spans; /* spans[i] is the source of code[i] */
  int count, cap;
  Value *consts;
  int n_consts, consts_cap;
  /* The numbers and strings among consts, hashed so that chunk_add_const
   * finds an equal one in O(1): indices into consts, -1 when empty. */
  int *const_slots;
  int n_shared, slots_cap; /* slots_cap is 0 or a power of two */
} Chunk;

void chunk_init(Chunk *c);
int chunk_emit(Chunk *c, Instr ins, Span span); /* returns the index */
int chunk_add_const(Chunk *c, Value v);          /* reuses equal numbers/strings */

#endif
