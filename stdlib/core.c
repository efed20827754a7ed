/* core.c — builtins on values, strings, arrays and records. */
#include <gc/gc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib.h"
#include "vm/dist.h"
#include "vm/print.h"

static Value string_value(const char *s, size_t n) { return val_obj(obj_string(s, n)); }

static Value sb_value(StrBuf *sb) {
  Value v = string_value(sb->data, sb->len);
  sb_free(sb);
  return v;
}

Value stdlib_str(VM *vm, Value v) {
  (void)vm;
  if (val_is(v, OBJ_STRING)) return v;
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, v, false);
  return sb_value(&sb);
}

/* ---------------------------------------------------------------- output */

static Value write_args(VM *vm, int argc, const Value *args, bool newline) {
  FILE *out = vm->rt->out;
  StrBuf sb;
  sb_init(&sb);
  for (int i = 0; i < argc; i++) {
    if (i) sb_putc(&sb, ' ');
    val_write(&sb, args[i], false);
  }
  if (newline) sb_putc(&sb, '\n');
  fwrite(sb.data, 1, sb.len, out);
  sb_free(&sb);
  return VAL_NIL;
}

static Value b_print(VM *vm, int argc, const Value *args) { return write_args(vm, argc, args, false); }
static Value b_println(VM *vm, int argc, const Value *args) { return write_args(vm, argc, args, true); }

static Value b_str(VM *vm, int argc, const Value *args) {
  (void)argc;
  return stdlib_str(vm, args[0]);
}

static Value b_repr(VM *vm, int argc, const Value *args) {
  (void)vm;
  (void)argc;
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, args[0], true);
  return sb_value(&sb);
}

static Value b_type(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_obj(vm_intern_cstr(vm, val_type_name(args[0])));
}

/* format("{} is {:.3f}", a, b): {} writes a value as str() would; a spec
 * after ':' is [width][.precision][f|e|g] as in C's printf. {{ and }} are
 * literal braces. */
static Value b_format(VM *vm, int argc, const Value *args) {
  ObjString *fmt = vm_arg_string(vm, "format", args, 0);
  StrBuf sb;
  sb_init(&sb);
  int next = 1;
  for (uint32_t i = 0; i < fmt->len; i++) {
    char ch = fmt->chars[i];
    if (ch == '{' && i + 1 < fmt->len && fmt->chars[i + 1] == '{') {
      sb_putc(&sb, '{');
      i++;
      continue;
    }
    if (ch == '}' && i + 1 < fmt->len && fmt->chars[i + 1] == '}') {
      sb_putc(&sb, '}');
      i++;
      continue;
    }
    if (ch != '{') {
      sb_putc(&sb, ch);
      continue;
    }
    uint32_t close = i + 1;
    while (close < fmt->len && fmt->chars[close] != '}') close++;
    if (close >= fmt->len) {
      sb_free(&sb);
      vm_error(vm, "format: '{' at position %u has no matching '}'", i);
    }
    const char *spec = fmt->chars + i + 1;
    size_t spec_len = close - i - 1;
    if (next >= argc) {
      sb_free(&sb);
      vm_error(vm, "format: more placeholders than values (%d given)", argc - 1);
    }
    Value v = args[next++];
    if (spec_len == 0) {
      val_write(&sb, v, false);
    } else {
      if (spec[0] != ':' || spec_len > 20) {
        sb_free(&sb);
        vm_error(vm, "format: bad placeholder '{%.*s}' (write {} or {:.2f})", (int)spec_len, spec);
      }
      char cfmt[32] = "%";
      size_t k = 1;
      bool ok = true;
      char conv = 0;
      for (size_t j = 1; j < spec_len; j++) {
        char s = spec[j];
        if ((s >= '0' && s <= '9') || s == '.' || s == '-' || s == '+') cfmt[k++] = s;
        else if ((s == 'f' || s == 'e' || s == 'g') && j == spec_len - 1) conv = s;
        else ok = false;
      }
      if (!ok) {
        sb_free(&sb);
        vm_error(vm, "format: bad placeholder '{%.*s}' (write {} or {:.2f})", (int)spec_len, spec);
      }
      if (val_is_num(v)) {
        cfmt[k++] = conv ? conv : 'g';
        cfmt[k] = '\0';
        sb_printf(&sb, cfmt, val_as_num(v));
      } else {
        /* width applies to the text of any value */
        StrBuf t;
        sb_init(&t);
        val_write(&t, v, false);
        char *dot = strchr(cfmt, '.');
        if (dot) *dot = '\0';
        strcat(cfmt, "s");
        sb_printf(&sb, cfmt, t.data);
        sb_free(&t);
      }
    }
    i = close;
  }
  if (next < argc) {
    sb_free(&sb);
    vm_error(vm, "format: %d value%s but only %d placeholder%s", argc - 1, argc - 1 == 1 ? "" : "s", next - 1,
             next - 1 == 1 ? "" : "s");
  }
  return sb_value(&sb);
}

static Value b_assert(VM *vm, int argc, const Value *args) {
  if (!val_is_bool(args[0])) vm_type_error(vm, "assert", 0, "a boolean", args[0]);
  if (args[0] == VAL_TRUE) return VAL_NIL;
  if (argc > 1) {
    StrBuf sb;
    sb_init(&sb);
    val_write(&sb, args[1], false);
    char msg[512];
    snprintf(msg, sizeof msg, "%s", sb.data);
    sb_free(&sb);
    vm_error(vm, "assertion failed: %s", msg);
  }
  vm_error(vm, "assertion failed");
}

static Value b_error(VM *vm, int argc, const Value *args) {
  (void)argc;
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, args[0], false);
  char msg[1024];
  snprintf(msg, sizeof msg, "%s", sb.data);
  sb_free(&sb);
  vm_error(vm, "%s", msg);
}

/* ----------------------------------------------------------------- length */

static Value b_len(VM *vm, int argc, const Value *args) {
  (void)argc;
  Value v = args[0];
  if (val_is(v, OBJ_ARRAY)) return val_num(AS_ARRAY(v)->len);
  if (val_is(v, OBJ_STRING)) return val_num(AS_STRING(v)->len);
  if (val_is(v, OBJ_RECORD)) return val_num(AS_RECORD(v)->shape->n);
  vm_type_error(vm, "len", 0, "an array, a string or a record", v);
}

/* ----------------------------------------------------------------- arrays */

static Value b_range(VM *vm, int argc, const Value *args) {
  long lo = 0, hi;
  if (argc == 1) hi = vm_arg_int(vm, "range", args, 0, 0, 1000000000L);
  else {
    lo = vm_arg_int(vm, "range", args, 0, -1000000000L, 1000000000L);
    hi = vm_arg_int(vm, "range", args, 1, -1000000000L, 1000000000L);
  }
  long n = hi > lo ? hi - lo : 0;
  ObjArray *a = obj_array((uint32_t)n);
  for (long i = 0; i < n; i++) a->items[i] = val_num((double)(lo + i));
  return val_obj(a);
}

static double num_item(VM *vm, const char *fn, ObjArray *a, uint32_t i) {
  Value v = a->items[i];
  if (!val_is_num(v)) {
    StrBuf sb;
    sb_init(&sb);
    val_describe(&sb, v);
    char d[160];
    snprintf(d, sizeof d, "%s", sb.data);
    sb_free(&sb);
    vm_error(vm, "%s: element %u of the array must be a number, got %s", fn, i, d);
  }
  return val_as_num(v);
}

static Value b_sum(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "sum", args, 0);
  double s = 0;
  for (uint32_t i = 0; i < a->len; i++) s += num_item(vm, "sum", a, i);
  return val_num(s);
}

static Value b_prod(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "prod", args, 0);
  double s = 1;
  for (uint32_t i = 0; i < a->len; i++) s *= num_item(vm, "prod", a, i);
  return val_num(s);
}

static Value b_cumsum(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "cumsum", args, 0);
  ObjArray *out = obj_array(a->len);
  double s = 0;
  for (uint32_t i = 0; i < a->len; i++) {
    s += num_item(vm, "cumsum", a, i);
    out->items[i] = val_num(s);
  }
  return val_obj(out);
}

/* mean, variance and sd of an array of numbers, or of a distribution */
static Value dist_stat(VM *vm, const char *name, Value d) {
  ObjDist *dist = AS_DIST(d);
  Value v;
  if (strcmp(name, "mean") == 0) v = dist->cls->mean ? dist->cls->mean(vm, dist) : VAL_UNDEF;
  else {
    v = dist->cls->variance ? dist->cls->variance(vm, dist) : VAL_UNDEF;
    if (v != VAL_UNDEF && strcmp(name, "sd") == 0) {
      if (val_is_num(v)) v = val_num(sqrt(val_as_num(v)));
      else if (val_is(v, OBJ_ARRAY)) {
        ObjArray *a = AS_ARRAY(v), *o = obj_array(a->len);
        for (uint32_t i = 0; i < a->len; i++)
          o->items[i] = val_is_num(a->items[i]) ? val_num(sqrt(val_as_num(a->items[i]))) : a->items[i];
        v = val_obj(o);
      } else if (val_is(v, OBJ_RECORD)) {
        ObjRecord *r = AS_RECORD(v), *o = obj_record(r->shape);
        for (uint32_t i = 0; i < r->shape->n; i++)
          o->vals[i] = val_is_num(r->vals[i]) ? val_num(sqrt(val_as_num(r->vals[i]))) : r->vals[i];
        v = val_obj(o);
      }
    }
  }
  if (v == VAL_UNDEF) vm_error(vm, "%s: not defined for %s", name, dist->cls->name);
  return v;
}

static Value array_moment(VM *vm, const char *name, Value arg) {
  if (val_is(arg, OBJ_DIST)) return dist_stat(vm, name, arg);
  if (!val_is(arg, OBJ_ARRAY)) vm_type_error(vm, name, 0, "an array of numbers or a distribution", arg);
  ObjArray *a = AS_ARRAY(arg);
  bool want_mean = strcmp(name, "mean") == 0;
  if (a->len == 0 || (!want_mean && a->len < 2))
    vm_error(vm, "%s: needs at least %d number%s, got %u", name, want_mean ? 1 : 2, want_mean ? "" : "s", a->len);
  double m = 0;
  for (uint32_t i = 0; i < a->len; i++) m += (num_item(vm, name, a, i) - m) / (i + 1);
  if (want_mean) return val_num(m);
  double ss = 0;
  for (uint32_t i = 0; i < a->len; i++) {
    double d = val_as_num(a->items[i]) - m;
    ss += d * d;
  }
  double var = ss / (a->len - 1);
  return val_num(strcmp(name, "sd") == 0 ? sqrt(var) : var);
}

static Value b_mean(VM *vm, int argc, const Value *args) {
  (void)argc;
  return array_moment(vm, "mean", args[0]);
}
static Value b_variance(VM *vm, int argc, const Value *args) {
  (void)argc;
  return array_moment(vm, "variance", args[0]);
}
static Value b_sd(VM *vm, int argc, const Value *args) {
  (void)argc;
  return array_moment(vm, "sd", args[0]);
}

/* min(a, b, ...) of numbers, or min(xs) of an array */
static Value extreme(VM *vm, const char *name, int argc, const Value *args, bool want_max) {
  const Value *items = args;
  uint32_t n = (uint32_t)argc;
  if (argc == 1) {
    if (!val_is(args[0], OBJ_ARRAY)) vm_type_error(vm, name, 0, "an array or several numbers", args[0]);
    items = AS_ARRAY(args[0])->items;
    n = AS_ARRAY(args[0])->len;
    if (n == 0) vm_error(vm, "%s: the array is empty", name);
  }
  double best = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (!val_is_num(items[i])) {
      if (argc == 1) num_item(vm, name, AS_ARRAY(args[0]), i);
      vm_type_error(vm, name, (int)i, "a number", items[i]);
    }
    double x = val_as_num(items[i]);
    if (i == 0 || (want_max ? x > best : x < best) || x != x) best = x;
    if (x != x) break;
  }
  return val_num(best);
}

static Value b_min(VM *vm, int argc, const Value *args) { return extreme(vm, "min", argc, args, false); }
static Value b_max(VM *vm, int argc, const Value *args) { return extreme(vm, "max", argc, args, true); }

static Value arg_extreme(VM *vm, const char *name, const Value *args, bool want_max) {
  ObjArray *a = vm_arg_array(vm, name, args, 0);
  if (a->len == 0) vm_error(vm, "%s: the array is empty", name);
  uint32_t best = 0;
  double bv = num_item(vm, name, a, 0);
  for (uint32_t i = 1; i < a->len; i++) {
    double x = num_item(vm, name, a, i);
    if (want_max ? x > bv : x < bv) {
      bv = x;
      best = i;
    }
  }
  return val_num(best);
}

static Value b_argmin(VM *vm, int argc, const Value *args) {
  (void)argc;
  return arg_extreme(vm, "argmin", args, false);
}
static Value b_argmax(VM *vm, int argc, const Value *args) {
  (void)argc;
  return arg_extreme(vm, "argmax", args, true);
}

static Value b_zip(VM *vm, int argc, const Value *args) {
  uint32_t n = UINT32_MAX;
  for (int i = 0; i < argc; i++) {
    ObjArray *a = vm_arg_array(vm, "zip", args, i);
    if (a->len < n) n = a->len;
  }
  ObjArray *out = obj_array(n);
  for (uint32_t i = 0; i < n; i++) {
    ObjArray *t = obj_array((uint32_t)argc);
    for (int j = 0; j < argc; j++) t->items[j] = AS_ARRAY(args[j])->items[i];
    out->items[i] = val_obj(t);
  }
  return val_obj(out);
}

static Value b_concat(VM *vm, int argc, const Value *args) {
  if (argc > 0 && val_is(args[0], OBJ_STRING)) {
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < argc; i++) {
      ObjString *s = vm_arg_string(vm, "concat", args, i);
      sb_putn(&sb, s->chars, s->len);
    }
    return sb_value(&sb);
  }
  uint64_t n = 0;
  for (int i = 0; i < argc; i++) n += vm_arg_array(vm, "concat", args, i)->len;
  if (n > UINT32_MAX / 2) vm_error(vm, "concat: result too large");
  ObjArray *out = obj_array((uint32_t)n);
  uint32_t k = 0;
  for (int i = 0; i < argc; i++) {
    ObjArray *a = AS_ARRAY(args[i]);
    memcpy(out->items + k, a->items, sizeof(Value) * a->len);
    k += a->len;
  }
  return val_obj(out);
}

static Value b_append(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "append", args, 0);
  ObjArray *out = obj_array(a->len + 1);
  memcpy(out->items, a->items, sizeof(Value) * a->len);
  out->items[a->len] = args[1];
  return val_obj(out);
}

static Value b_set(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (val_is(args[0], OBJ_RECORD)) {
    ObjRecord *r = AS_RECORD(args[0]);
    ObjString *k = vm_arg_string(vm, "set", args, 1);
    k = vm_intern(vm, k->chars, k->len);
    int j = shape_find(r->shape, k);
    ObjShape *shape = r->shape;
    if (j < 0) {
      shape = obj_shape(r->shape->n + 1);
      memcpy(shape->keys, r->shape->keys, sizeof(ObjString *) * r->shape->n);
      shape->keys[r->shape->n] = k;
      j = (int)r->shape->n;
    }
    ObjRecord *out = obj_record(shape);
    memcpy(out->vals, r->vals, sizeof(Value) * r->shape->n);
    out->vals[j] = args[2];
    return val_obj(out);
  }
  ObjArray *a = vm_arg_array(vm, "set", args, 0);
  if (a->len == 0) vm_error(vm, "set: the array is empty");
  long i = vm_arg_int(vm, "set", args, 1, 0, (long)a->len - 1);
  ObjArray *out = obj_array_from(a->items, a->len);
  out->items[i] = args[2];
  return val_obj(out);
}

static Value b_slice(VM *vm, int argc, const Value *args) {
  bool is_str = val_is(args[0], OBJ_STRING);
  if (!is_str && !val_is(args[0], OBJ_ARRAY)) vm_type_error(vm, "slice", 0, "an array or a string", args[0]);
  long len = is_str ? (long)AS_STRING(args[0])->len : (long)AS_ARRAY(args[0])->len;
  long lo = vm_arg_int(vm, "slice", args, 1, 0, len);
  long hi = argc > 2 ? vm_arg_int(vm, "slice", args, 2, 0, len) : len;
  if (hi < lo) vm_error(vm, "slice: end %ld is before start %ld", hi, lo);
  if (is_str) return string_value(AS_STRING(args[0])->chars + lo, (size_t)(hi - lo));
  return val_obj(obj_array_from(AS_ARRAY(args[0])->items + lo, (uint32_t)(hi - lo)));
}

static Value b_reverse(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (val_is(args[0], OBJ_STRING)) {
    ObjString *s = AS_STRING(args[0]);
    ObjString *o = obj_string(s->chars, s->len);
    for (uint32_t i = 0; i < s->len; i++) o->chars[i] = s->chars[s->len - 1 - i];
    o->hash = str_hash(o->chars, o->len);
    return val_obj(o);
  }
  ObjArray *a = vm_arg_array(vm, "reverse", args, 0);
  ObjArray *out = obj_array(a->len);
  for (uint32_t i = 0; i < a->len; i++) out->items[i] = a->items[a->len - 1 - i];
  return val_obj(out);
}

/* Sorting: numbers ascending (nan last) or strings by bytes; a mixed array
 * is an error. argsort gives the permutation, stable. */
typedef struct SortItem {
  Value v;
  uint32_t i;
} SortItem;

static int cmp_items(const void *pa, const void *pb) {
  const SortItem *a = pa, *b = pb;
  int c;
  if (val_is_num(a->v)) {
    double x = val_as_num(a->v), y = val_as_num(b->v);
    bool xn = x != x, yn = y != y;
    c = xn || yn ? (int)xn - (int)yn : (x > y) - (x < y);
  } else {
    c = str_compare(AS_STRING(a->v), AS_STRING(b->v));
  }
  if (c) return c;
  return (a->i > b->i) - (a->i < b->i);
}

static SortItem *sorted_items(VM *vm, const char *name, ObjArray *a) {
  SortItem *items = malloc(sizeof(SortItem) * (a->len ? a->len : 1));
  bool nums = a->len == 0 || val_is_num(a->items[0]);
  for (uint32_t i = 0; i < a->len; i++) {
    Value v = a->items[i];
    if (nums ? !val_is_num(v) : !val_is(v, OBJ_STRING)) {
      free(items);
      if (i == 0) vm_error(vm, "%s: can only sort numbers or strings, got %s", name, val_type_name(v));
      vm_error(vm, "%s: cannot sort a mix of %s and %s", name, val_type_name(a->items[0]), val_type_name(v));
    }
    items[i].v = v;
    items[i].i = i;
  }
  qsort(items, a->len, sizeof(SortItem), cmp_items);
  return items;
}

static Value b_sort(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "sort", args, 0);
  SortItem *items = sorted_items(vm, "sort", a);
  ObjArray *out = obj_array(a->len);
  for (uint32_t i = 0; i < a->len; i++) out->items[i] = items[i].v;
  free(items);
  return val_obj(out);
}

static Value b_argsort(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "argsort", args, 0);
  SortItem *items = sorted_items(vm, "argsort", a);
  ObjArray *out = obj_array(a->len);
  for (uint32_t i = 0; i < a->len; i++) out->items[i] = val_num(items[i].i);
  free(items);
  return val_obj(out);
}

static Value b_contains(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (val_is(args[0], OBJ_STRING)) {
    ObjString *s = AS_STRING(args[0]);
    ObjString *t = vm_arg_string(vm, "contains", args, 1);
    return val_bool(str_find(s, t->chars, t->len, 0) >= 0);
  }
  ObjArray *a = vm_arg_array(vm, "contains", args, 0);
  for (uint32_t i = 0; i < a->len; i++)
    if (val_equal(a->items[i], args[1])) return VAL_TRUE;
  return VAL_FALSE;
}

static Value b_index_of(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "index_of", args, 0);
  for (uint32_t i = 0; i < a->len; i++)
    if (val_equal(a->items[i], args[1])) return val_num(i);
  return val_num(-1);
}

static Value b_fill(VM *vm, int argc, const Value *args) {
  (void)argc;
  long n = vm_arg_int(vm, "fill", args, 0, 0, 1000000000L);
  ObjArray *out = obj_array((uint32_t)n);
  for (long i = 0; i < n; i++) out->items[i] = args[1];
  return val_obj(out);
}

static Value b_flatten(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "flatten", args, 0);
  uint64_t n = 0;
  for (uint32_t i = 0; i < a->len; i++) {
    if (!val_is(a->items[i], OBJ_ARRAY)) vm_error(vm, "flatten: element %u is a %s, not an array", i, val_type_name(a->items[i]));
    n += AS_ARRAY(a->items[i])->len;
  }
  ObjArray *out = obj_array((uint32_t)n);
  uint32_t k = 0;
  for (uint32_t i = 0; i < a->len; i++) {
    ObjArray *b = AS_ARRAY(a->items[i]);
    memcpy(out->items + k, b->items, sizeof(Value) * b->len);
    k += b->len;
  }
  return val_obj(out);
}

static Value b_linspace(VM *vm, int argc, const Value *args) {
  (void)argc;
  double lo = vm_arg_num(vm, "linspace", args, 0);
  double hi = vm_arg_num(vm, "linspace", args, 1);
  long n = vm_arg_int(vm, "linspace", args, 2, 2, 100000000L);
  ObjArray *out = obj_array((uint32_t)n);
  for (long i = 0; i < n; i++) out->items[i] = val_num(lo + (hi - lo) * (double)i / (double)(n - 1));
  return val_obj(out);
}

/* ---------------------------------------------------------------- records */

static Value b_keys(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_RECORD)) vm_type_error(vm, "keys", 0, "a record", args[0]);
  ObjShape *s = AS_RECORD(args[0])->shape;
  ObjArray *out = obj_array(s->n);
  for (uint32_t i = 0; i < s->n; i++) out->items[i] = val_obj(s->keys[i]);
  return val_obj(out);
}

static Value b_values(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_RECORD)) vm_type_error(vm, "values", 0, "a record", args[0]);
  ObjRecord *r = AS_RECORD(args[0]);
  return val_obj(obj_array_from(r->vals, r->shape->n));
}

static Value b_has(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_RECORD)) vm_type_error(vm, "has", 0, "a record", args[0]);
  ObjString *k = vm_arg_string(vm, "has", args, 1);
  return val_bool(shape_find(AS_RECORD(args[0])->shape, vm_intern(vm, k->chars, k->len)) >= 0);
}

static Value b_get(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_RECORD)) vm_type_error(vm, "get", 0, "a record", args[0]);
  ObjString *k = vm_arg_string(vm, "get", args, 1);
  int j = shape_find(AS_RECORD(args[0])->shape, vm_intern(vm, k->chars, k->len));
  return j >= 0 ? AS_RECORD(args[0])->vals[j] : args[2];
}

/* merge(a, b): the fields of a, with b's fields added or replacing them */
static Value b_merge(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_RECORD)) vm_type_error(vm, "merge", 0, "a record", args[0]);
  if (!val_is(args[1], OBJ_RECORD)) vm_type_error(vm, "merge", 1, "a record", args[1]);
  ObjRecord *a = AS_RECORD(args[0]), *b = AS_RECORD(args[1]);
  uint32_t extra = 0;
  for (uint32_t i = 0; i < b->shape->n; i++)
    if (shape_find(a->shape, b->shape->keys[i]) < 0) extra++;
  ObjShape *shape = a->shape;
  if (extra) {
    shape = obj_shape(a->shape->n + extra);
    memcpy(shape->keys, a->shape->keys, sizeof(ObjString *) * a->shape->n);
    uint32_t k = a->shape->n;
    for (uint32_t i = 0; i < b->shape->n; i++)
      if (shape_find(a->shape, b->shape->keys[i]) < 0) shape->keys[k++] = b->shape->keys[i];
  }
  ObjRecord *out = obj_record(shape);
  memcpy(out->vals, a->vals, sizeof(Value) * a->shape->n);
  for (uint32_t i = 0; i < b->shape->n; i++) out->vals[shape_find(shape, b->shape->keys[i])] = b->vals[i];
  return val_obj(out);
}

/* record(keys, values) */
static Value b_record(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *ks = vm_arg_array(vm, "record", args, 0);
  ObjArray *vs = vm_arg_array(vm, "record", args, 1);
  if (ks->len != vs->len) vm_error(vm, "record: %u keys but %u values", ks->len, vs->len);
  ObjShape *shape = obj_shape(ks->len);
  for (uint32_t i = 0; i < ks->len; i++) {
    if (!val_is(ks->items[i], OBJ_STRING)) vm_error(vm, "record: key %u is a %s, not a string", i, val_type_name(ks->items[i]));
    ObjString *k = vm_intern(vm, AS_STRING(ks->items[i])->chars, AS_STRING(ks->items[i])->len);
    if (shape_find(shape, k) >= 0 && (uint32_t)shape_find(shape, k) < i) vm_error(vm, "record: key \"%s\" appears twice", k->chars);
    shape->keys[i] = k;
  }
  ObjRecord *r = obj_record(shape);
  memcpy(r->vals, vs->items, sizeof(Value) * vs->len);
  return val_obj(r);
}

/* ---------------------------------------------------------------- strings */

static Value b_split(VM *vm, int argc, const Value *args) {
  ObjString *s = vm_arg_string(vm, "split", args, 0);
  ObjString *sep = argc > 1 ? vm_arg_string(vm, "split", args, 1) : NULL;
  Value *parts = GC_MALLOC(sizeof(Value) * (s->len + 1)); /* GC heap: holds the only references */
  uint32_t n = 0;
  if (!sep) { /* split on runs of whitespace */
    uint32_t i = 0;
    while (i < s->len) {
      while (i < s->len && strchr(" \t\r\n", s->chars[i])) i++;
      uint32_t start = i;
      while (i < s->len && !strchr(" \t\r\n", s->chars[i])) i++;
      if (i > start) parts[n++] = string_value(s->chars + start, i - start);
    }
  } else {
    if (sep->len == 0) {
      vm_error(vm, "split: the separator is empty");
    }
    size_t from = 0;
    for (;;) {
      long at = str_find(s, sep->chars, sep->len, from);
      size_t to = at < 0 ? s->len : (size_t)at;
      parts[n++] = string_value(s->chars + from, to - from);
      if (at < 0) break;
      from = to + sep->len;
    }
  }
  ObjArray *out = obj_array_from(parts, n);
  return val_obj(out);
}

static Value b_join(VM *vm, int argc, const Value *args) {
  ObjArray *a = vm_arg_array(vm, "join", args, 0);
  ObjString *sep = argc > 1 ? vm_arg_string(vm, "join", args, 1) : NULL;
  StrBuf sb;
  sb_init(&sb);
  for (uint32_t i = 0; i < a->len; i++) {
    if (i && sep) sb_putn(&sb, sep->chars, sep->len);
    val_write(&sb, a->items[i], false);
  }
  return sb_value(&sb);
}

static Value b_trim(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjString *s = vm_arg_string(vm, "trim", args, 0);
  uint32_t lo = 0, hi = s->len;
  while (lo < hi && strchr(" \t\r\n", s->chars[lo])) lo++;
  while (hi > lo && strchr(" \t\r\n", s->chars[hi - 1])) hi--;
  return string_value(s->chars + lo, hi - lo);
}

static Value b_starts_with(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjString *s = vm_arg_string(vm, "starts_with", args, 0);
  ObjString *p = vm_arg_string(vm, "starts_with", args, 1);
  return val_bool(p->len <= s->len && memcmp(s->chars, p->chars, p->len) == 0);
}

static Value b_upper_lower(VM *vm, const Value *args, bool upper) {
  ObjString *s = vm_arg_string(vm, upper ? "upper" : "lower", args, 0);
  ObjString *o = obj_string(s->chars, s->len);
  for (uint32_t i = 0; i < o->len; i++) {
    char c = o->chars[i];
    if (upper && c >= 'a' && c <= 'z') o->chars[i] = (char)(c - 32);
    if (!upper && c >= 'A' && c <= 'Z') o->chars[i] = (char)(c + 32);
  }
  o->hash = str_hash(o->chars, o->len);
  return val_obj(o);
}

static Value b_upper(VM *vm, int argc, const Value *args) {
  (void)argc;
  return b_upper_lower(vm, args, true);
}
static Value b_lower(VM *vm, int argc, const Value *args) {
  (void)argc;
  return b_upper_lower(vm, args, false);
}

/* num("3.5") -> 3.5; an error for text that is not a number */
static Value b_num(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (val_is_num(args[0])) return args[0];
  if (val_is_bool(args[0])) return val_num(args[0] == VAL_TRUE);
  ObjString *s = vm_arg_string(vm, "num", args, 0);
  char *end;
  double d = strtod(s->chars, &end);
  while (*end == ' ' || *end == '\t') end++;
  if (s->len == 0 || *end != '\0') vm_error(vm, "num: \"%s\" is not a number", s->chars);
  return val_num(d);
}

/* _expect(value, kind, function, n): the prelude checks its arguments with
 * this, so that a wrong one is reported in terms of the function the user
 * called ("map: argument 1 must be an array") rather than its insides. */
static Value b_expect(VM *vm, int argc, const Value *args) {
  (void)argc;
  Value v = args[0];
  const char *kind = AS_STRING(args[1])->chars;
  const char *fn = AS_STRING(args[2])->chars;
  int arg = (int)val_as_num(args[3]) - 1;
  if (strcmp(kind, "array") == 0 && !val_is(v, OBJ_ARRAY)) vm_type_error(vm, fn, arg, "an array", v);
  if (strcmp(kind, "function") == 0 && !val_is(v, OBJ_CLOSURE) && !val_is(v, OBJ_BUILTIN))
    vm_type_error(vm, fn, arg, "a function", v);
  if (strcmp(kind, "count") == 0 && (!val_is_num(v) || val_as_num(v) < 0 || val_as_num(v) != floor(val_as_num(v))))
    vm_type_error(vm, fn, arg, "a whole number >= 0", v);
  return VAL_NIL;
}

void stdlib_install_core(VM *vm) {
  vm_def_builtin(vm, "_expect", b_expect, 4, 4);
  vm_def_builtin(vm, "print", b_print, 0, -1);
  vm_def_builtin(vm, "println", b_println, 0, -1);
  vm_def_builtin(vm, "str", b_str, 1, 1);
  vm_def_builtin(vm, "repr", b_repr, 1, 1);
  vm_def_builtin(vm, "type", b_type, 1, 1);
  vm_def_builtin(vm, "format", b_format, 1, -1);
  vm_def_builtin(vm, "assert", b_assert, 1, 2);
  vm_def_builtin(vm, "error", b_error, 1, 1);
  vm_def_builtin(vm, "len", b_len, 1, 1);
  vm_def_builtin(vm, "range", b_range, 1, 2);
  vm_def_builtin(vm, "sum", b_sum, 1, 1);
  vm_def_builtin(vm, "prod", b_prod, 1, 1);
  vm_def_builtin(vm, "cumsum", b_cumsum, 1, 1);
  vm_def_builtin(vm, "mean", b_mean, 1, 1);
  vm_def_builtin(vm, "variance", b_variance, 1, 1);
  vm_def_builtin(vm, "sd", b_sd, 1, 1);
  vm_def_builtin(vm, "min", b_min, 1, -1);
  vm_def_builtin(vm, "max", b_max, 1, -1);
  vm_def_builtin(vm, "argmin", b_argmin, 1, 1);
  vm_def_builtin(vm, "argmax", b_argmax, 1, 1);
  vm_def_builtin(vm, "zip", b_zip, 2, -1);
  vm_def_builtin(vm, "concat", b_concat, 1, -1);
  vm_def_builtin(vm, "append", b_append, 2, 2);
  vm_def_builtin(vm, "set", b_set, 3, 3);
  vm_def_builtin(vm, "slice", b_slice, 2, 3);
  vm_def_builtin(vm, "reverse", b_reverse, 1, 1);
  vm_def_builtin(vm, "sort", b_sort, 1, 1);
  vm_def_builtin(vm, "argsort", b_argsort, 1, 1);
  vm_def_builtin(vm, "contains", b_contains, 2, 2);
  vm_def_builtin(vm, "index_of", b_index_of, 2, 2);
  vm_def_builtin(vm, "fill", b_fill, 2, 2);
  vm_def_builtin(vm, "flatten", b_flatten, 1, 1);
  vm_def_builtin(vm, "linspace", b_linspace, 3, 3);
  vm_def_builtin(vm, "keys", b_keys, 1, 1);
  vm_def_builtin(vm, "values", b_values, 1, 1);
  vm_def_builtin(vm, "has", b_has, 2, 2);
  vm_def_builtin(vm, "get", b_get, 3, 3);
  vm_def_builtin(vm, "merge", b_merge, 2, 2);
  vm_def_builtin(vm, "record", b_record, 2, 2);
  vm_def_builtin(vm, "split", b_split, 1, 2);
  vm_def_builtin(vm, "join", b_join, 1, 2);
  vm_def_builtin(vm, "trim", b_trim, 1, 1);
  vm_def_builtin(vm, "starts_with", b_starts_with, 2, 2);
  vm_def_builtin(vm, "upper", b_upper, 1, 1);
  vm_def_builtin(vm, "lower", b_lower, 1, 1);
  vm_def_builtin(vm, "num", b_num, 1, 1);
}

void stdlib_install(VM *vm) {
  stdlib_install_core(vm);
  stdlib_install_math(vm);
  stdlib_install_io(vm);
  stdlib_install_dist(vm);
}
