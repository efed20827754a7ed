/* state.h — inference's per-VM state, kept behind vm->ext (the VM never
 * looks inside): the source of inference randomness and the last posterior
 * returned to a program's top level. */
#ifndef PPL_STATE_H
#define PPL_STATE_H

#include "rand.h"

typedef struct InfState {
  VM *vm;
  InfRand own;      /* over the VM's generator */
  InfRand *current; /* what algorithms use */
  Value last_posterior;
  Value last_model; /* the model of that posterior */
} InfState;

InfState *inf_state(VM *vm);

#endif
