#include "trace.h"

#include <gc/gc.h>
#include <math.h>
#include <string.h>

#include "print.h"
#include "vm.h"

Trace *trace_new(void) {
  Trace *t = GC_MALLOC(sizeof *t);
  memset(t, 0, sizeof *t);
  table_init(&t->index);
  t->retval = VAL_NIL;
  return t;
}

static void copy_table(Table *dst, const Table *src) {
  dst->count = src->count;
  dst->cap = src->cap;
  dst->entries = NULL;
  if (src->cap) {
    dst->entries = GC_MALLOC(sizeof(TableEntry) * src->cap);
    memcpy(dst->entries, src->entries, sizeof(TableEntry) * src->cap);
  }
}

Trace *trace_clone(const Trace *t) {
  Trace *c = GC_MALLOC(sizeof *c);
  *c = *t;
  c->shared = false;
  c->choices = NULL;
  if (t->cap) {
    c->choices = GC_MALLOC(sizeof(TraceChoice) * t->cap);
    memcpy(c->choices, t->choices, sizeof(TraceChoice) * t->n);
  }
  copy_table(&c->index, &t->index);
  return c;
}

void trace_own(Trace **tp) {
  if ((*tp)->shared) *tp = trace_clone(*tp);
}

TraceChoice *trace_find(const Trace *t, const ObjString *addr) {
  Value pos;
  if (!table_get(&t->index, addr, &pos)) return NULL;
  return &t->choices[(uint32_t)val_as_num(pos)];
}

TraceChoice *trace_add(Trace *t, const TraceChoice *c) {
  if (t->n == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 8;
    TraceChoice *choices = GC_MALLOC(sizeof(TraceChoice) * cap);
    if (t->n) memcpy(choices, t->choices, sizeof(TraceChoice) * t->n);
    t->choices = choices;
    t->cap = cap;
  }
  t->choices[t->n] = *c;
  table_set(&t->index, c->addr, val_num(t->n));
  return &t->choices[t->n++];
}

Table *trace_choice_table(const Trace *t) {
  Table *m = GC_MALLOC(sizeof *m);
  table_init(m);
  for (uint32_t i = 0; i < t->n; i++)
    if (!t->choices[i].observed) table_set(m, t->choices[i].addr, t->choices[i].value);
  return m;
}

double trace_log_prior(const Trace *t) {
  double s = 0;
  for (uint32_t i = 0; i < t->n; i++)
    if (!t->choices[i].observed) s += t->choices[i].logp;
  return s;
}

double trace_log_joint(const Trace *t) { return trace_log_prior(t) + t->log_weight; }

/* ------------------------------------------------------- the trace value */

static void trace_write(StrBuf *sb, const ObjNative *self) {
  const Trace *t = self->data;
  uint32_t latent = 0;
  for (uint32_t i = 0; i < t->n; i++) latent += !t->choices[i].observed;
  sb_printf(sb, "<trace: %u choice%s, %u observed, retval ", latent, latent == 1 ? "" : "s", t->n - latent);
  val_write(sb, t->retval, true);
  sb_puts(sb, ">");
}

static Value choices_record(VM *vm, const Trace *t, bool observed) {
  (void)vm;
  uint32_t n = 0;
  for (uint32_t i = 0; i < t->n; i++) n += t->choices[i].observed == observed;
  ObjShape *shape = obj_shape(n);
  uint32_t k = 0;
  for (uint32_t i = 0; i < t->n; i++)
    if (t->choices[i].observed == observed) shape->keys[k++] = t->choices[i].addr;
  ObjRecord *r = obj_record(shape);
  k = 0;
  for (uint32_t i = 0; i < t->n; i++)
    if (t->choices[i].observed == observed) r->vals[k++] = t->choices[i].value;
  return val_obj(r);
}

static int trace_field(VM *vm, const ObjNative *self, ObjString *key, Value *out) {
  const Trace *t = self->data;
  const char *k = key->chars;
  if (strcmp(k, "retval") == 0) *out = t->retval;
  else if (strcmp(k, "logweight") == 0) *out = val_num(t->log_weight);
  else if (strcmp(k, "logprior") == 0) *out = val_num(trace_log_prior(t));
  else if (strcmp(k, "logjoint") == 0) *out = val_num(trace_log_joint(t));
  else if (strcmp(k, "choices") == 0) *out = choices_record(vm, t, false);
  else if (strcmp(k, "observations") == 0) *out = choices_record(vm, t, true);
  else return 0;
  return 1;
}

static int trace_index(VM *vm, const ObjNative *self, Value key, Value *out) {
  if (!val_is(key, OBJ_STRING)) return 0;
  ObjString *addr = vm_intern(vm, AS_STRING(key)->chars, AS_STRING(key)->len);
  TraceChoice *c = trace_find(self->data, addr);
  if (!c) return 0;
  *out = c->value;
  return 1;
}

static const NativeClass trace_class = {"trace", trace_write, trace_field, trace_index};

Value trace_value(Trace *t) { return val_obj(obj_native(&trace_class, t)); }

bool trace_is_value(Value v) { return val_is(v, OBJ_NATIVE) && AS_NATIVE(v)->cls == &trace_class; }

Trace *trace_of_value(Value v) { return AS_NATIVE(v)->data; }
