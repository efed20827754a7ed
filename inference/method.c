#include "method.h"

#include <gc/gc.h>
#include <math.h>
#include <string.h>

#include "vm/print.h"

static void method_write(StrBuf *sb, const ObjNative *self) { method_describe(sb, self->data); }

static const NativeClass method_native = {"method", method_write, NULL, NULL};

Value method_new(const MethodClass *cls, Value options, void *config) {
  Method *m = GC_MALLOC(sizeof *m);
  m->cls = cls;
  m->options = options;
  m->config = config;
  return val_obj(obj_native(&method_native, m));
}

bool method_is(Value v) { return val_is(v, OBJ_NATIVE) && AS_NATIVE(v)->cls == &method_native; }
Method *method_of(Value v) { return AS_NATIVE(v)->data; }

void method_describe(StrBuf *sb, const Method *m) {
  sb_printf(sb, "%s(", m->cls->name);
  if (val_is(m->options, OBJ_RECORD) && AS_RECORD(m->options)->shape->n > 0) val_write(sb, m->options, true);
  sb_putc(sb, ')');
}

char *method_desc(const Method *m) {
  StrBuf sb;
  sb_init(&sb);
  method_describe(&sb, m);
  char *s = GC_MALLOC_ATOMIC(sb.len + 1);
  memcpy(s, sb.data, sb.len + 1);
  sb_free(&sb);
  return s;
}

void opts_init(Options *o, VM *vm, const char *method, int argc, const Value *args, const char *const *allowed) {
  o->vm = vm;
  o->method = method;
  o->rec = NULL;
  if (argc == 0) return;
  if (!val_is(args[0], OBJ_RECORD)) vm_type_error(vm, method, 0, "a record of options", args[0]);
  o->rec = AS_RECORD(args[0]);
  ObjShape *shape = o->rec->shape;
  for (uint32_t i = 0; i < shape->n; i++) {
    const char *key = shape->keys[i]->chars;
    bool ok = strcmp(key, "_mutant") == 0;
    int n_allowed = 0;
    for (const char *const *a = allowed; *a; a++, n_allowed++)
      if (strcmp(*a, key) == 0) ok = true;
    if (ok) continue;
    StrBuf list;
    sb_init(&list);
    for (int j = 0; j < n_allowed; j++) sb_printf(&list, "%s%s", j ? ", " : "", allowed[j]);
    const char *close = src_closest(key, allowed, n_allowed);
    char hint[400];
    if (close) snprintf(hint, sizeof hint, "did you mean '%s'? %s takes: %s", close, method, list.data);
    else if (n_allowed) snprintf(hint, sizeof hint, "%s takes: %s", method, list.data);
    else snprintf(hint, sizeof hint, "%s takes no options", method);
    sb_free(&list);
    vm_error_hint(vm, hint, "%s: unknown option '%s'", method, key);
  }
}

Value opts_get(const Options *o, const char *key) {
  if (!o->rec) return VAL_UNDEF;
  ObjString *k = vm_intern_cstr(o->vm, key);
  int j = shape_find(o->rec->shape, k);
  return j < 0 ? VAL_UNDEF : o->rec->vals[j];
}

static _Noreturn void bad_option(const Options *o, const char *key, const char *want, Value got) {
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, got);
  char desc[160];
  snprintf(desc, sizeof desc, "%s", sb.data);
  sb_free(&sb);
  vm_error(o->vm, "%s: %s must be %s, got %s", o->method, key, want, desc);
}

long opts_count(const Options *o, const char *key, long dflt, long lo, long hi) {
  Value v = opts_get(o, key);
  if (v == VAL_UNDEF) return dflt;
  char want[96];
  snprintf(want, sizeof want, "a whole number from %ld to %ld", lo, hi);
  if (!val_is_num(v)) bad_option(o, key, want, v);
  double d = val_as_num(v);
  if (d != floor(d) || d < (double)lo || d > (double)hi) bad_option(o, key, want, v);
  return (long)d;
}

double opts_number(const Options *o, const char *key, double dflt, double lo, double hi) {
  Value v = opts_get(o, key);
  if (v == VAL_UNDEF) return dflt;
  char want[128];
  snprintf(want, sizeof want, "a number from %s to %s", num_fmt(lo).s, num_fmt(hi).s);
  if (!val_is_num(v) || !(val_as_num(v) >= lo && val_as_num(v) <= hi)) bad_option(o, key, want, v);
  return val_as_num(v);
}

bool opts_bool(const Options *o, const char *key, bool dflt) {
  Value v = opts_get(o, key);
  if (v == VAL_UNDEF) return dflt;
  if (!val_is_bool(v)) bad_option(o, key, "true or false", v);
  return v == VAL_TRUE;
}

int opts_choice(const Options *o, const char *key, int dflt, const char *const *choices) {
  Value v = opts_get(o, key);
  if (v == VAL_UNDEF) return dflt;
  StrBuf list;
  sb_init(&list);
  int n = 0;
  for (const char *const *c = choices; *c; c++, n++) sb_printf(&list, "%s\"%s\"", n ? " or " : "", *c);
  char want[200];
  snprintf(want, sizeof want, "%s", list.data);
  sb_free(&list);
  if (!val_is(v, OBJ_STRING)) bad_option(o, key, want, v);
  for (int i = 0; i < n; i++)
    if (strcmp(AS_STRING(v)->chars, choices[i]) == 0) return i;
  bad_option(o, key, want, v);
}

Value opts_record(const Options *o) { return o->rec ? val_obj(o->rec) : val_obj(obj_record(obj_shape(0))); }

int opts_mutant(const Options *o, const char *const *mutants) {
  Value v = opts_get(o, "_mutant");
  if (v == VAL_UNDEF) return -1;
  if (val_is(v, OBJ_STRING))
    for (int i = 0; mutants && mutants[i]; i++)
      if (strcmp(AS_STRING(v)->chars, mutants[i]) == 0) return i;
  vm_error(o->vm, "%s: unknown _mutant", o->method);
}
