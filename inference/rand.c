#include "rand.h"

#include <gc/gc.h>
#include <math.h>

#include "state.h"

static double gen_uniform(InfRand *self) {
  InfState *s = self->state;
  return gsl_rng_uniform(s->vm->rng);
}

static size_t gen_categorical(InfRand *self, const double *w, size_t n) {
  double total = 0;
  for (size_t i = 0; i < n; i++) total += w[i];
  double u = gen_uniform(self) * total;
  double acc = 0;
  for (size_t i = 0; i < n; i++) {
    acc += w[i];
    if (u < acc) return i;
  }
  /* rounding left u at the very top: the last index with weight */
  for (size_t i = n; i-- > 0;)
    if (w[i] > 0) return i;
  return n - 1;
}

InfState *inf_state(VM *vm) {
  if (!vm->ext) {
    InfState *s = GC_MALLOC(sizeof *s);
    s->vm = vm;
    s->last_posterior = VAL_NIL;
    s->last_model = VAL_NIL;
    s->own.uniform = gen_uniform;
    s->own.categorical = gen_categorical;
    s->own.state = s;
    s->current = &s->own;
    vm->ext = s;
  }
  return vm->ext;
}

InfRand *rand_of(VM *vm) { return inf_state(vm)->current; }

InfRand *rand_install(VM *vm, InfRand *r) {
  InfState *s = inf_state(vm);
  InfRand *old = s->current;
  s->current = r ? r : &s->own;
  return old;
}

Value rand_draw(VM *vm, const ObjDist *d) {
  InfRand *r = rand_of(vm);
  if (!r->enumerating) return d->cls->sample(vm, d);
  ObjArray *support = d->cls->support ? d->cls->support(vm, d) : NULL;
  if (!support)
    vm_error(vm, "outcomes: %s has no finite support, so its draws cannot be enumerated", d->cls->name);
  double *w = GC_MALLOC_ATOMIC(sizeof(double) * (support->len ? support->len : 1));
  for (uint32_t i = 0; i < support->len; i++) w[i] = exp(d->cls->logpdf(vm, d, support->items[i]));
  return support->items[r->categorical(r, w, support->len)];
}
