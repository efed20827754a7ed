/* validate.h — checking an inference method: simulation-based calibration
 * (validate_sbc) and comparison with enumerate's exact posterior
 * (validate_exact). Used by `ppl validate` and the validate builtin. */
#ifndef PPL_VALIDATE_H
#define PPL_VALIDATE_H

#include <stdbool.h>
#include <stdio.h>

#include "vm/vm.h"

typedef struct ValidateOptions {
  uint32_t sims;  /* simulations */
  uint32_t draws; /* posterior draws ranked against (L) */
  uint32_t bins;  /* histogram bins; draws + 1 must be a multiple */
  double alpha;   /* family-wise false alarm rate */
} ValidateOptions;

void validate_defaults(ValidateOptions *o);
/* Prints the report to out; returns whether the method is calibrated.
 * *p_values (when not NULL) gets a record of each quantity's p-value. */
bool validate_sbc(VM *vm, Value model, Value method, const ValidateOptions *o, FILE *out, Value *p_values);
/* Prints the report to out; returns whether the method agrees with the
 * exact posterior; *p_value (when not NULL) gets the chi-square p-value. */
bool validate_exact(VM *vm, Value model, Value method, const ValidateOptions *o, FILE *out, Value *p_value);
/* Geweke's joint-distribution test of an MCMC kernel: o->sims forward draws
 * against o->sims steps of the successive-conditional simulator (a kernel
 * step under the current data, then new data given the latents), compared
 * on each returned scalar and its square. mutant plants the fresh/stale
 * bug (negative controls). */
bool validate_geweke(VM *vm, Value model, Value kernel, const ValidateOptions *o, bool mutant, FILE *out,
                     Value *p_values);
void validate_install(VM *vm);

#endif
