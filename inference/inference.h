/* inference.h — what the rest of ppl sees of inference: the builtins
 * (infer, the methods, simulate/generate/density, summaries) and the last
 * posterior a program's top level made (for `ppl run --output`). */
#ifndef PPL_INFERENCE_H
#define PPL_INFERENCE_H

#include "vm/vm.h"

/* Registers every inference builtin. */
void inference_install(VM *vm);

/* The last posterior infer returned to a program's top level, or VAL_NIL,
 * and the model it was of. */
Value inference_last_posterior(VM *vm);
Value inference_last_model(VM *vm);

/* Each algorithm file registers its own builtins. */
void basic_install(VM *vm);
void enumerate_install(VM *vm);
void gen_install(VM *vm);
void mh_install(VM *vm);
void smc_install(VM *vm);
void pgibbs_install(VM *vm);
void pmmh_install(VM *vm);
void outcomes_install(VM *vm);

#endif
