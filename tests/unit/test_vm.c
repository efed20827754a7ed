/* Unit tests of the VM: values, printing, equality, operators, indexing,
 * records, loops, closures, fibers and handlers, errors, limits. */
#include <float.h>
#include <math.h>
#include <sys/resource.h>

#include "helpers.h"

#include "vm/dist.h"
#include "vm/vm.h"

TestSuite(vm, .init = NULL);

/* ---------------------------------------------------------------- helpers */

static char *written(Value v, bool repr) {
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, v, repr);
  return sb_take(&sb);
}

static char *described(Value v) {
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, v);
  return sb_take(&sb);
}

static char *num_text(double d) {
  StrBuf sb;
  sb_init(&sb);
  sb_num(&sb, d);
  return sb_take(&sb);
}

#define assert_num_text(d, expected)                                             \
  do {                                                                           \
    char *t_ = num_text(d);                                                      \
    cr_assert_str_eq(t_, expected, "%.17g printed as %s, expected %s", (double)(d), t_, expected); \
    free(t_);                                                                    \
  } while (0)

/* A distribution class for tests: the VM only passes distributions on to
 * the handler; a program run by the driver may draw from it. */
static Value td_sample(VM *vm, const ObjDist *d) {
  (void)vm;
  (void)d;
  return val_num(0.25);
}

static double td_logpdf(VM *vm, const ObjDist *d, Value x) {
  (void)vm;
  (void)d;
  (void)x;
  return -1;
}

static const DistClass test_dist_class = {
    .name = "testdist", .kind = DIST_CONTINUOUS, .sample = td_sample, .logpdf = td_logpdf};

static Value b_td(VM *vm, int argc, const Value *args) {
  (void)argc;
  (void)args;
  return val_obj(dist_new(vm, &test_dist_class));
}

/* call_it(f): calls f with no arguments through vm_call, from C */
static Value b_call_it(VM *vm, int argc, const Value *args) {
  (void)argc;
  return vm_call(vm, NULL, NULL, args[0], 0, NULL);
}

/* A VM with the stdlib plus td() and call_it(). */
static VM *test_vm(void) {
  VM *vm = driver_new_vm(1);
  vm_def_builtin(vm, "td", b_td, 0, 0);
  vm_def_builtin(vm, "call_it", b_call_it, 1, 1);
  return vm;
}

/* Runs text on vm; it must succeed. */
static Value run_ok(VM *vm, const char *text) {
  char *msgs;
  Value v = run_on(vm, text, &msgs);
  cr_assert_neq(v, VAL_UNDEF, "%s\nfailed:\n%s", text, msgs);
  free(msgs);
  return v;
}

/* Runs text on vm; it must fail. Returns every message (malloc'd). */
static char *run_fail(VM *vm, const char *text) {
  char *msgs;
  Value v = run_on(vm, text, &msgs);
  cr_assert_eq(v, VAL_UNDEF, "%s\nshould fail", text);
  return msgs;
}

static void assert_first_line(char *msgs, const char *expected) {
  char *copy = strdup(msgs);
  copy[strcspn(copy, "\n")] = '\0';
  cr_assert_str_eq(copy, expected, "messages:\n%s", msgs);
  free(copy);
}

/* A handler that records what the model does. Samples return `next`; the
 * fiber suspends after every choice when `suspend` is set. */
typedef struct Recorder {
  double next;
  bool suspend;
  int samples, observes, factors;
  char addrs[32][64];
  int n_addrs;
  Value observed[8];
} Recorder;

static void record_address(VM *vm, Fiber *f, const Choice *c) {
  Recorder *r = f->hdata;
  if (r->n_addrs < 32) snprintf(r->addrs[r->n_addrs++], 64, "%s", vm_address(vm, f, c)->chars);
}

static Value rec_sample(VM *vm, Fiber *f, const Choice *c) {
  Recorder *r = f->hdata;
  record_address(vm, f, c);
  r->samples++;
  if (r->suspend) f->suspend = true;
  return val_num(r->next);
}

static void rec_observe(VM *vm, Fiber *f, const Choice *c, Value v) {
  Recorder *r = f->hdata;
  record_address(vm, f, c);
  if (r->observes < 8) r->observed[r->observes] = v;
  r->observes++;
  f->log_weight += val_is_num(v) ? val_as_num(v) : 0;
  if (r->suspend) f->suspend = true;
}

static void rec_factor(VM *vm, Fiber *f, const Choice *c, double log_w) {
  (void)vm;
  (void)c;
  Recorder *r = f->hdata;
  r->factors++;
  f->log_weight += log_w;
  if (r->suspend) f->suspend = true;
}

static const Handler recorder = {"recorder", rec_sample, rec_observe, rec_factor};

/* A fiber running the zero-argument function `name` defined by text. */
static Fiber *model_fiber(VM *vm, const char *text, const char *name, Recorder *r) {
  run_ok(vm, text);
  Value m = vm_get_global(vm, name);
  cr_assert(val_is(m, OBJ_CLOSURE), "%s is not a function", name);
  Fiber *f = fiber_new(vm, m, 0, NULL);
  f->handler = &recorder;
  f->hdata = r;
  return f;
}

static FiberState run_to_end(VM *vm, Fiber *f) {
  FiberState st;
  while ((st = vm_run(vm, f)) == FIBER_SUSPENDED) {
  }
  return st;
}

static void assert_result(Fiber *f, const char *expected) {
  cr_assert_eq(f->state, FIBER_DONE);
  char *got = show(f->result);
  cr_assert_str_eq(got, expected);
  free(got);
}

/* ------------------------------------------------------- value encoding */

static void assert_round_trip(double d) {
  Value v = val_num(d);
  cr_assert(val_is_num(v), "%g is not a number", d);
  cr_assert_not(val_is_obj(v));
  cr_assert_not(val_is_nil(v));
  cr_assert_not(val_is_bool(v));
  double back = val_as_num(v);
  cr_assert_eq(memcmp(&back, &d, sizeof d), 0, "%.17g came back as %.17g", d, back);
}

Test(vm, numbers_round_trip_bit_for_bit) {
  double samples[] = {0.0, 1.0, -1.0, 1.5, 0.1, -2.5e-7, 123456789.0, 1e300, -1e300, 1e-300, DBL_MAX,
                      -DBL_MAX, DBL_MIN, -DBL_MIN, 5e-324, -5e-324, INFINITY, -INFINITY, 9007199254740993.0};
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) assert_round_trip(samples[i]);
}

Test(vm, negative_zero_keeps_its_sign) {
  Value v = val_num(-0.0);
  cr_assert(val_is_num(v));
  cr_assert(signbit(val_as_num(v)));
  cr_assert_neq(v, val_num(0.0));
  cr_assert_not(signbit(val_as_num(val_num(0.0))));
  assert_value("1 / -0.0", "-inf");
  assert_value("let z = -0.0; 1 / z", "-inf");
}

Test(vm, nan_is_canonical) {
  double n1 = NAN, n2 = -NAN;
  uint64_t bits = 0x7ff0000000000123ull; /* a signalling NaN with a payload */
  double n3;
  memcpy(&n3, &bits, sizeof n3);
  Value a = val_num(n1), b = val_num(n2), c = val_num(n3);
  cr_assert(val_is_num(a));
  cr_assert(val_is_num(c));
  cr_assert_eq(a, b);
  cr_assert_eq(a, c);
  cr_assert(isnan(val_as_num(a)));
}

Test(vm, random_bit_patterns_round_trip) {
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 100000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    memcpy(&d, &x, sizeof d);
    if (isnan(d)) continue;
    Value v = val_num(d);
    cr_assert(val_is_num(v));
    double back = val_as_num(v);
    cr_assert_eq(memcmp(&back, &d, sizeof d), 0);
  }
}

Test(vm, pointers_are_not_numbers) {
  ObjString *s = obj_string_cstr("x");
  ObjArray *a = obj_array(3);
  Value vs = val_obj(s), va = val_obj(a);
  cr_assert(val_is_obj(vs));
  cr_assert(val_is_obj(va));
  cr_assert_not(val_is_num(vs));
  cr_assert_not(val_is_num(va));
  cr_assert_eq((void *)val_as_obj(vs), (void *)s);
  cr_assert(val_is(vs, OBJ_STRING));
  cr_assert_not(val_is(vs, OBJ_ARRAY));
  cr_assert(val_is(va, OBJ_ARRAY));
  cr_assert_not(val_is(val_num(0), OBJ_STRING));
}

Test(vm, constants_are_distinct) {
  Value all[] = {VAL_NIL, VAL_FALSE, VAL_TRUE, VAL_UNDEF};
  for (int i = 0; i < 4; i++) {
    cr_assert_not(val_is_num(all[i]));
    cr_assert_not(val_is_obj(all[i]));
    for (int j = 0; j < i; j++) cr_assert_neq(all[i], all[j]);
  }
  cr_assert(val_is_nil(VAL_NIL));
  cr_assert(val_is_bool(VAL_TRUE));
  cr_assert(val_is_bool(VAL_FALSE));
  cr_assert_not(val_is_bool(VAL_NIL));
  cr_assert_not(val_is_bool(VAL_UNDEF));
  cr_assert_eq(val_bool(true), VAL_TRUE);
  cr_assert_eq(val_bool(false), VAL_FALSE);
  cr_assert(val_as_bool(VAL_TRUE));
  cr_assert_not(val_as_bool(VAL_FALSE));
}

Test(vm, type_names) {
  cr_assert_str_eq(val_type_name(val_num(1)), "number");
  cr_assert_str_eq(val_type_name(VAL_NIL), "nil");
  cr_assert_str_eq(val_type_name(VAL_TRUE), "boolean");
  cr_assert_str_eq(val_type_name(val_obj(obj_string_cstr("a"))), "string");
  cr_assert_str_eq(val_type_name(val_obj(obj_array(0))), "array");
  cr_assert_str_eq(val_type_name(val_obj(dist_new(vm_new(), &test_dist_class))), "distribution");
  assert_value("[type(1), type(\"a\"), type([]), type({}), type(nil), type(true), type(len), type(fn() { 1 })]",
               "[\"number\", \"string\", \"array\", \"record\", \"nil\", \"boolean\", \"function\", \"function\"]");
}

/* ------------------------------------------------------------- printing */

Test(vm, integers_print_without_a_point) {
  assert_num_text(0, "0");
  assert_num_text(100, "100");
  assert_num_text(-42, "-42");
  assert_num_text(9007199254740992.0, "9007199254740992");
  assert_num_text(1e15, "1000000000000000");
}

Test(vm, negative_zero_prints_as_zero) {
  assert_num_text(-0.0, "0");
  assert_value("-0.0", "0");
  assert_value("[-0.0]", "[0]");
}

Test(vm, shortest_round_trip_decimals) {
  assert_num_text(0.1, "0.1");
  assert_num_text(0.1 + 0.2, "0.30000000000000004");
  assert_num_text(1.0 / 3.0, "0.3333333333333333");
  assert_num_text(2.5, "2.5");
  assert_num_text(123456789.123, "123456789.123");
  assert_num_text(1e15 + 0.3, "1000000000000000.2");
  assert_num_text(M_PI, "3.141592653589793");
}

Test(vm, large_and_small_numbers_use_exponents) {
  assert_num_text(1e16, "1e+16");
  assert_num_text(1e21, "1e+21");
  assert_num_text(1e300 * 10, "1e+301");
  assert_num_text(1e-300, "1e-300");
  assert_num_text(5e-324, "5e-324");
  assert_num_text(-1e-300, "-1e-300");
  assert_num_text(DBL_MAX, "1.7976931348623157e+308");
  assert_num_text(123456789012345680000.0, "1.2345678901234568e+20");
}

Test(vm, special_numbers_print_by_name) {
  assert_num_text(INFINITY, "inf");
  assert_num_text(-INFINITY, "-inf");
  assert_num_text(NAN, "nan");
  assert_value("1 / 0", "inf");
  assert_value("-1 / 0", "-inf");
  assert_value("0 / 0", "nan");
}

Test(vm, printed_numbers_read_back_exactly) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    memcpy(&d, &x, sizeof d);
    if (!isfinite(d) || d == 0) continue;
    char *t = num_text(d);
    cr_assert_eq(strtod(t, NULL), d, "%.17g printed as %s", d, t);
    free(t);
  }
}

Test(vm, strings_are_quoted_only_in_repr) {
  Value s = val_obj(obj_string_cstr("a\"b\\c\n\t\r"));
  char *plain = written(s, false), *repr = written(s, true);
  cr_assert_str_eq(plain, "a\"b\\c\n\t\r");
  cr_assert_str_eq(repr, "\"a\\\"b\\\\c\\n\\t\\r\"");
  free(plain);
  free(repr);
}

Test(vm, strings_inside_arrays_and_records_are_quoted) {
  assert_value("[1, \"a\", true, nil, [2]]", "[1, \"a\", true, nil, [2]]");
  assert_value("str([\"a\", [\"b\"]])", "\"[\\\"a\\\", [\\\"b\\\"]]\"");
  assert_value("let r = {a: 1, b: \"x\", c: [nil]}; r", "{a: 1, b: \"x\", c: [nil]}");
}

Test(vm, record_keys_that_are_not_names_are_quoted) {
  assert_value("let r = {\"a b\": 1, c: 2, \"\": 3, \"1x\": 4, _ok9: 5}; r", "{\"a b\": 1, c: 2, \"\": 3, \"1x\": 4, _ok9: 5}");
  assert_value("let r = {}; r", "{}");
}

Test(vm, functions_print_by_name) {
  assert_value("fn f() { 1 } f", "<fn f>");
  assert_value("fn(x) { x }", "<fn anonymous>");
  assert_value("len", "<builtin len>");
  Value d = val_obj(dist_new(vm_new(), &test_dist_class));
  char *t = written(d, true);
  cr_assert_str_eq(t, "<testdist>");
  free(t);
}

/* Regression (fixed): repr writes control characters as \x01, which is not a ppl escape,
 * so the text cannot be read back ("unknown escape '\x'"). */
Test(vm, repr_of_a_string_reads_back_as_the_same_string) {
  const char raw[] = "a\x01z\x1f\x00!";
  ObjString *s = obj_string(raw, sizeof raw - 1);
  char *text = written(val_obj(s), true);
  Parsed *p = parse_text(text);
  char *d = diag_lines(&p->diags);
  cr_assert_eq(p->diags.count, 0, "%s does not parse:\n%s", text, d);
  Node *n = p->program->block.tail;
  cr_assert_eq(n->str.len, (int)s->len);
  cr_assert_eq(memcmp(n->str.chars, raw, s->len), 0);
  free(d);
  free(text);
}

Test(vm, describe_values_for_messages) {
  char *t;
  t = described(val_num(3));
  cr_assert_str_eq(t, "number 3");
  free(t);
  t = described(VAL_NIL);
  cr_assert_str_eq(t, "nil");
  free(t);
  t = described(VAL_FALSE);
  cr_assert_str_eq(t, "boolean false");
  free(t);
  t = described(val_obj(obj_string_cstr("a")));
  cr_assert_str_eq(t, "string \"a\"");
  free(t);
  t = described(val_obj(obj_string_cstr("0123456789012345678901234567890123456789x")));
  cr_assert_str_eq(t, "string of length 41");
  free(t);
  t = described(val_obj(obj_array(4)));
  cr_assert_str_eq(t, "array of length 4");
  free(t);
  t = described(val_obj(obj_record(obj_shape(0))));
  cr_assert_str_eq(t, "record");
  free(t);
  t = described(val_obj(dist_new(vm_new(), &test_dist_class)));
  cr_assert_str_eq(t, "distribution <testdist>");
  free(t);
}

/* ------------------------------------------------------------- equality */

Test(vm, number_equality) {
  assert_value("1 == 1.0", "true");
  assert_value("0.1 + 0.2 == 0.3", "false");
  assert_value("-0.0 == 0", "true");
  assert_value("nan == nan", "false");
  assert_value("nan != nan", "true");
  assert_value("inf == inf", "true");
  cr_assert(val_equal(val_num(-0.0), val_num(0.0)));
  cr_assert_not(val_equal(val_num(NAN), val_num(NAN)));
}

Test(vm, equality_across_types_is_false) {
  assert_value("1 == \"1\"", "false");
  assert_value("nil == false", "false");
  assert_value("nil != false", "true");
  assert_value("true == 1", "false");
  assert_value("[] == {}", "false");
  assert_value("nil == nil", "true");
}

Test(vm, string_equality_is_by_content) {
  assert_value("\"abc\" == \"ab\" + \"c\"", "true");
  assert_value("\"abc\" == \"abd\"", "false");
  assert_value("\"\" == \"\"", "true");
  cr_assert(val_equal(val_obj(obj_string_cstr("q")), val_obj(obj_string_cstr("q"))));
}

Test(vm, array_equality_is_structural) {
  assert_value("[1, [2, 3]] == [1, [2, 3]]", "true");
  assert_value("[1, 2] == [1, 2, 3]", "false");
  assert_value("[1, 2] != [1, 3]", "true");
  assert_value("[[]] == [[]]", "true");
  assert_value("[nan] == [nan]", "false");
}

Test(vm, record_equality_ignores_field_order) {
  assert_value("let a = {a: 1, b: 2}; let b = {b: 2, a: 1}; a == b", "true");
  assert_value("let a = {a: 1, b: 2}; let b = {a: 1, c: 2}; a == b", "false");
  assert_value("let a = {a: 1}; let b = {a: 1, b: nil}; [a == b, b == a]", "[false, false]");
  assert_value("let a = {a: [1, {x: 2}]}; let b = {a: [1, {x: 2}]}; a == b", "true");
  assert_value("let a = {a: 1}; let b = {a: 2}; a == b", "false");
}

Test(vm, functions_compare_by_identity) {
  assert_value("len == len", "true");
  assert_value("let f = fn() { 1 }; f == f", "true");
  assert_value("let mk = fn() { fn() { 1 } }; mk() == mk()", "false");
}

Test(vm, distributions_compare_by_parameters) {
  ObjDist *a = dist_new(vm_new(), &test_dist_class), *b = dist_new(vm_new(), &test_dist_class);
  a->p[0] = b->p[0] = 1.5;
  cr_assert(val_equal(val_obj(a), val_obj(b)));
  b->p[1] = 2;
  cr_assert_not(val_equal(val_obj(a), val_obj(b)));
}

/* ---------------------------------------------------------- arithmetic */

Test(vm, arithmetic_and_precedence) {
  assert_value("1 + 2 * 3", "7");
  assert_value("(1 + 2) * 3", "9");
  assert_value("7 % 3", "1");
  assert_value("-2 - -3", "1");
  assert_value("1 / 0", "inf");
}

Test(vm, modulo_follows_fmod) {
  assert_value("-7 % 3", "-1");
  assert_value("7 % -3", "1");
  assert_value("7.5 % 2", "1.5");
  assert_value("5 % 0", "nan");
}

Test(vm, arithmetic_type_errors) {
  assert_error_at("[1, 2] + 1", "test.ppl:1:1: error: operator + cannot be applied to array of length 2 and number 1");
  assert_error_at("nil * 2", "test.ppl:1:1: error: operator * cannot be applied to nil and number 2");
  assert_error_at("\"a\" % 2", "test.ppl:1:1: error: operator % cannot be applied to string \"a\" and number 2");
  assert_error_at("-\"a\"", "test.ppl:1:1: error: unary - cannot be applied to string \"a\"");
  assert_error_at("true - 1", "test.ppl:1:1: error: operator - cannot be applied to boolean true and number 1");
}

/* -------------------------------------------------------------- strings */

Test(vm, strings_join_with_plus) {
  assert_value("\"ab\" + \"cd\"", "\"abcd\"");
  assert_value("\"\" + \"\"", "\"\"");
  assert_value("\"a\" + \"b\" + \"c\"", "\"abc\"");
  assert_value("len(\"ab\" + \"cde\")", "5");
  assert_value("(\"ab\" + \"c\") == \"abc\"", "true");
}

Test(vm, string_plus_number_is_an_error_with_a_hint) {
  char *msgs;
  run_source("1 + \"a\"", &msgs);
  assert_first_line(msgs, "test.ppl:1:1: error: operator + cannot be applied to number 1 and string \"a\"");
  cr_assert(strstr(msgs, "hint: to join a string with another value, convert it first: \"n = \" + str(n)\n"),
            "%s", msgs);
  free(msgs);
  assert_error_at("\"a\" + 1", "test.ppl:1:1: error: operator + cannot be applied to string \"a\" and number 1");
}

Test(vm, string_indexing_is_by_byte) {
  assert_value("\"abc\"[1]", "\"b\"");
  assert_value("\"abc\"[0] + \"abc\"[2]", "\"ac\"");
}

/* ---------------------------------------------------------- comparisons */

Test(vm, number_comparisons) {
  assert_value("[1 < 2, 2 < 1, 1 <= 1, 2 > 1, 1 >= 2, 1 > 1]", "[true, false, true, true, false, false]");
  assert_value("[nan < 1, nan >= 1, -inf < inf]", "[false, false, true]");
  assert_value("let x = 5; [x < 10, x <= 5, x > 5, x >= 5]", "[true, true, false, true]");
}

Test(vm, string_comparisons_are_by_bytes) {
  assert_value("[\"a\" < \"b\", \"b\" <= \"a\", \"abc\" >= \"abc\", \"B\" < \"a\", \"\" < \"a\", \"ab\" > \"a\"]",
               "[true, false, true, true, true, true]");
  /* the fused forms (a literal on the right) too */
  assert_value("let s = \"m\"; [s < \"n\", s > \"n\"]", "[true, false]");
}

/* Regression (fixed): strings are byte sequences that may hold "\0", but < and <= compare
 * them with strcmp, which stops at the first NUL. */
Test(vm, string_comparison_looks_past_nul_bytes) {
  assert_value("\"a\\0b\" < \"a\\0c\"", "true");
  assert_value("\"a\\0c\" <= \"a\\0b\"", "false");
}

Test(vm, mixed_comparisons_are_errors) {
  assert_error_at("1 < \"a\"", "test.ppl:1:1: error: operator < cannot be applied to number 1 and string \"a\"");
  assert_error_at("[1] < [2]", "test.ppl:1:1: error: operator < cannot be applied to array of length 1 and array of length 1");
  assert_error_at("let x = nil; x >= 1", "test.ppl:1:14: error: operator >= cannot be applied to nil and number 1");
}

/* ------------------------------------------------------ &&, ||, ! and if */

Test(vm, and_or_short_circuit) {
  assert_value("false && error(\"not evaluated\")", "false");
  assert_value("true || error(\"not evaluated\")", "true");
  assert_value("true && false", "false");
  assert_value("false || true", "true");
  assert_value("true && true", "true");
  assert_value("false || false", "false");
  assert_value("false && 1", "false"); /* the right side is never looked at */
  assert_value("true || 1", "true");
}

Test(vm, no_truthiness) {
  const char *hint = "hint: ppl has no truthiness: compare explicitly, e.g. x != 0 or len(xs) > 0";
  char *msgs;
  run_source("1 && true", &msgs);
  assert_first_line(msgs, "test.ppl:1:1: error: the left operand of && must be a boolean, got number 1");
  cr_assert(strstr(msgs, hint), "%s", msgs);
  free(msgs);
  assert_error_at("nil || true", "test.ppl:1:1: error: the left operand of || must be a boolean, got nil");
  assert_error_at("true && 1", "test.ppl:1:9: error: the right operand of && or || must be a boolean, got number 1");
  assert_error_at("false || \"x\"", "test.ppl:1:10: error: the right operand of && or || must be a boolean, got string \"x\"");
  assert_error_at("!1", "test.ppl:1:1: error: the operand of ! must be a boolean, got number 1");
  assert_error_at("if 1 { 2 }", "test.ppl:1:4: error: a condition must be a boolean, got number 1");
  assert_error_at("if [] { 2 } else { 3 }", "test.ppl:1:4: error: a condition must be a boolean, got array of length 0");
  assert_error_at("for i in 0..3 if 1 { i }", "test.ppl:1:18: error: a condition must be a boolean, got number 1");
}

Test(vm, not_and_if) {
  assert_value("[!true, !false, !!true]", "[false, true, true]");
  assert_value("if true { 1 } else { 2 }", "1");
  assert_value("if false { 1 }", "nil");
  assert_value("if false { 1 } else if true { 2 } else { 3 }", "2");
  assert_value("let t = if 1 > 2 { \"a\" } else if 2 > 3 { \"b\" }; t", "nil");
}

/* ------------------------------------------------------------- indexing */

Test(vm, array_indexing) {
  assert_value("[10, 20, 30][2]", "30");
  assert_value("let xs = [[1, 2], [3, 4]]; xs[1][0]", "3");
  assert_value("let i = 1; [5, 6][i]", "6");
}

Test(vm, index_errors) {
  assert_error_at("[1, 2][2]", "test.ppl:1:1: error: index 2 is out of range for array of length 2 (valid: 0 to 1)");
  assert_error_at("[1, 2][-1]", "test.ppl:1:1: error: index -1 is out of range for array of length 2 (valid: 0 to 1)");
  assert_error_at("[][0]", "test.ppl:1:1: error: index 0 is out of range: the array is empty");
  assert_error_at("[1, 2][0.5]", "test.ppl:1:1: error: array index must be a whole number, got 0.5");
  assert_error_at("[1, 2][\"a\"]", "test.ppl:1:1: error: []: argument 1 must be a number (array index), got string \"a\"");
  assert_error_at("[1][nan]", "test.ppl:1:1: error: array index must be a whole number, got nan");
  assert_error_at("\"abc\"[3]", "test.ppl:1:1: error: index 3 is out of range for string of length 3 (valid: 0 to 2)");
  assert_error_at("\"\"[0]", "test.ppl:1:1: error: index 0 is out of range: the string is empty");
  assert_error_at("\"abc\"[true]", "test.ppl:1:1: error: []: argument 1 must be a number (string index), got boolean true");
  assert_error_at("3[0]", "test.ppl:1:1: error: cannot index number 3");
  assert_error_at("nil[0]", "test.ppl:1:1: error: cannot index nil");
  assert_error_at("len[0]", "test.ppl:1:1: error: cannot index function");
}

Test(vm, index_error_location_is_the_index_expression) {
  assert_error_at("let xs = [1];\nlet y =   xs[4];", "test.ppl:2:11: error: index 4 is out of range for array of length 1 (valid: 0 to 0)");
}

/* Regression (fixed): numbers in these messages are formatted with %g, which keeps only six
 * digits: index 1234567 is reported as "index 1.23457e+06". */
Test(vm, numbers_in_index_messages_are_exact) {
  assert_error_at("[1][1234567]", "test.ppl:1:1: error: index 1234567 is out of range for array of length 1 (valid: 0 to 0)");
  assert_error_at("[1][0.1234567]", "test.ppl:1:1: error: array index must be a whole number, got 0.1234567");
  assert_error_at("0..2000000000", "test.ppl:1:1: error: range 0..2000000000 is too long");
}

/* -------------------------------------------------------------- records */

Test(vm, record_fields) {
  assert_value("let r = {a: 1, b: \"x\"}; [r.a, r.b]", "[1, \"x\"]");
  assert_value("let r = {a: {b: 2}}; r.a.b", "2");
  assert_value("let r = {a: 1}; r[\"a\"]", "1");
  assert_value("let r = {\"odd key\": 7}; r[\"odd key\"]", "7");
  assert_value("let k = \"a\" + \"b\"; let r = {ab: 3}; r[k]", "3");
}

Test(vm, field_errors) {
  char *msgs;
  run_source("let r = {a: 1, b: 2}; r.c", &msgs);
  assert_first_line(msgs, "test.ppl:1:23: error: record has no field 'c'");
  cr_assert(strstr(msgs, "hint: its fields are: a, b\n"), "%s", msgs);
  free(msgs);
  run_source("let r = {}; r.c", &msgs);
  cr_assert(strstr(msgs, "hint: its fields are: (none)\n"), "%s", msgs);
  free(msgs);
  run_source("let r = {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}; r.z", &msgs);
  cr_assert(strstr(msgs, "hint: its fields are: a, b, c, d, e, f, g, h, ...\n"), "%s", msgs);
  free(msgs);
  assert_error_at("(3).x", "test.ppl:1:1: error: number 3 has no field 'x'");
  assert_error_at("[1].len", "test.ppl:1:1: error: array of length 1 has no field 'len'");
  assert_error_at("let r = {a: 1}; r[\"b\"]", "test.ppl:1:17: error: record has no field \"b\"");
  assert_error_at("let r = {a: 1}; r[0]", "test.ppl:1:17: error: []: argument 1 must be a string (record key), got number 0");
}

Test(vm, destructuring) {
  assert_value("let [a, b] = [1, 2]; [b, a]", "[2, 1]");
  assert_value("let {a, b} = {b: 2, a: 1, c: 3}; [a, b]", "[1, 2]");
  assert_value("fn f(p) { let [x, y] = p; let {z} = {z: x + y}; z } f([3, 4])", "7");
}

Test(vm, destructuring_errors) {
  assert_error_at("let [a, b] = [1]; a", "test.ppl:1:1: error: cannot unpack an array of length 1 into 2 names");
  assert_error_at("let [a, b] = 3; a", "test.ppl:1:1: error: let [...]: argument 1 must be an array, got number 3");
  assert_error_at("let {a, b} = {a: 1}; a", "test.ppl:1:1: error: record has no field 'b'");
  assert_error_at("let {a} = 3; a", "test.ppl:1:1: error: let {...}: argument 1 must be a record, got number 3");
}

/* ------------------------------------------------------ blocks, closures */

Test(vm, blocks_and_shadowing) {
  assert_value("{ let a = 1; let b = 2; a + b }", "3");
  assert_value("let v = { let a = 1; let w = { let a = 2; a }; w + a }; v", "3");
  assert_value("fn f() { let x = 1; let g = fn() { x }; let x = 2; [g(), x] } f()", "[1, 2]");
  assert_value("fn f(x) { let x = x * 2; x + 1 } f(10)", "21");
}

Test(vm, closures) {
  assert_value("fn outer(a) { fn inner(b) { fn innermost(c) { a + b + c } innermost } inner } outer(1)(10)(100)",
               "111");
  assert_value("fn compose(f, g) { fn(x) { f(g(x)) } } compose(fn(x) { x + 1 }, fn(x) { x * 2 })(5)", "11");
  assert_value("fn adder(n) { fn(x) { x + n } } let a = adder(1); let b = adder(10); [a(1), b(1), a(2)]", "[2, 11, 3]");
}

Test(vm, closures_capture_loop_variables_by_value) {
  assert_value("let fs = for i in 0..3 { fn() { i } }; fs[0]() + fs[1]() * 10 + fs[2]() * 100", "210");
  assert_value("let fs = for x in [\"a\", \"b\"] { let y = x + \"!\"; fn() { y } }; [fs[0](), fs[1]()]",
               "[\"a!\", \"b!\"]");
  assert_value("let fs = for i in 0..2 { for j in 0..2 { fn() { [i, j] } } }; [fs[0][1](), fs[1][0]()]",
               "[[0, 1], [1, 0]]");
}

Test(vm, recursion) {
  assert_value("fn f(n) { if n <= 1 { 1 } else { n * f(n - 1) } } f(10)", "3628800");
  assert_value("fn fib(n) { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } } fib(20)", "6765");
  assert_value("fn even(n) { if n == 0 { true } else { odd(n - 1) } }\n"
               "fn odd(n) { if n == 0 { false } else { even(n - 1) } }\n"
               "[even(10), odd(7), even(100001)]",
               "[true, true, false]");
  assert_value("fn o() { fn f(n) { if n == 0 { 0 } else { f(n - 1) + 1 } } f(5) } o()", "5");
}

/* ------------------------------------------------------------ for loops */

Test(vm, for_over_ranges) {
  assert_value("for i in 1..4 { i * i }", "[1, 4, 9]");
  assert_value("for i in -2..2 { i }", "[-2, -1, 0, 1]");
  assert_value("for i in 3..0 { i }", "[]");
  assert_value("let n = 0; for i in 0..n { i }", "[]");
  assert_value("0..3", "[0, 1, 2]");
  assert_value("3..0", "[]");
}

Test(vm, for_over_arrays) {
  assert_value("for x in [\"a\", \"b\"] { x + \"!\" }", "[\"a!\", \"b!\"]");
  assert_value("for x in [] { x }", "[]");
  assert_value("let r = 0..3; for i in r { i + 1 }", "[1, 2, 3]");
  assert_value("for i in 0..3 { }", "[nil, nil, nil]");
  assert_value("for i in 0..3 { let y = i * 2; y + 1 }", "[1, 3, 5]");
}

Test(vm, for_with_guards) {
  assert_value("for i in 0..6 if i % 2 == 0 { i }", "[0, 2, 4]");
  assert_value("for i in 0..3 if i > 5 { i }", "[]");
  assert_value("let xs = [10, 20, 30]; for i in 0..len(xs) if xs[i] > 15 { xs[i] }", "[20, 30]");
  assert_value("for w in [\"a\", \"bb\", \"ccc\"] if len(w) > 1 { w }", "[\"bb\", \"ccc\"]");
}

Test(vm, nested_for_loops) {
  assert_value("for i in 0..2 { for j in 0..2 { [i, j] } }", "[[[0, 0], [0, 1]], [[1, 0], [1, 1]]]");
  assert_value("for i in 0..3 { for j in 0..i { j } }", "[[], [0], [0, 1]]");
  assert_value("fn f(xs) { for x in xs { for y in xs if y > x { [x, y] } } } f([1, 2, 3])",
               "[[[1, 2], [1, 3]], [[2, 3]], []]");
}

Test(vm, for_statements_are_run_for_their_effects) {
  VM *vm = driver_new_vm(1);
  char *buf = NULL;
  size_t len = 0;
  vm->rt->out = open_memstream(&buf, &len);
  Value v = run_ok(vm, "for i in 0..3 { print(i); } for x in [\"a\", \"b\"] if x != \"a\" { print(x) } 7");
  fclose(vm->rt->out);
  cr_assert_str_eq(buf, "012b");
  cr_assert_eq(v, val_num(7));
  free(buf);
}

Test(vm, range_equals_the_array_it_stands_for) {
  assert_value("(0..3) == [0, 1, 2]", "true");
  assert_value("(2..2) == []", "true");
}

Test(vm, loop_results_are_independent_arrays) {
  assert_value("fn f() { for i in 0..2 { i } } let a = f(); let b = f(); [a, b, a == b]", "[[0, 1], [0, 1], true]");
}

Test(vm, for_errors) {
  assert_error_at("for x in 3 { x }", "test.ppl:1:10: error: for ... in: argument 1 must be an array or a range a..b, got number 3");
  assert_error_at("for i in 0.5..2 { i }", "test.ppl:1:10: error: range bounds must be whole numbers, got 0.5..2");
  assert_error_at("for i in \"a\"..2 { i }", "test.ppl:1:10: error: for ... in a..b: argument 1 must be a number, got string \"a\"");
  assert_error_at("for i in 0..nil { i }", "test.ppl:1:10: error: for ... in a..b: argument 2 must be a number, got nil");
  assert_error_at("0.5..2", "test.ppl:1:1: error: range bounds must be whole numbers, got 0.5..2");
  assert_error_at("\"a\"..2", "test.ppl:1:1: error: ..: argument 1 must be a number, got string \"a\"");
  assert_error_at("1..\"b\"", "test.ppl:1:1: error: ..: argument 2 must be a number, got string \"b\"");
}

/* ------------------------------------------------------------ calls */

Test(vm, arity_errors) {
  assert_error_at("fn f(x) { x } f()", "test.ppl:1:15: error: f expects 1 argument, got 0");
  assert_error_at("fn f(x, y) { x } f(1)", "test.ppl:1:18: error: f expects 2 arguments, got 1");
  assert_error_at("fn(x) { x }(1, 2)", "test.ppl:1:1: error: anonymous function expects 1 argument, got 2");
  assert_error_at("len(1, 2)", "test.ppl:1:1: error: len expects 1 argument, got 2");
  assert_error_at("min()", "test.ppl:1:1: error: min expects at least 1 argument, got 0");
  assert_error_at("range(1, 2, 3)", "test.ppl:1:1: error: range expects 1 to 2 arguments, got 3");
}

Test(vm, arity_error_in_a_tail_call) {
  assert_error_at("fn g(a) { a } fn f() { g(1, 2) } f()", "test.ppl:1:24: error: g expects 1 argument, got 2");
}

Test(vm, calling_a_non_function) {
  assert_error_at("let f = 3; f()", "test.ppl:1:12: error: cannot call number 3: it is not a function");
  assert_error_at("let f = nil; f()", "test.ppl:1:14: error: cannot call nil: it is not a function");
  assert_error_at("\"a\"()", "test.ppl:1:1: error: cannot call string \"a\": it is not a function");
  assert_error_at("fn f(g) { g(1) } f(2)", "test.ppl:1:11: error: cannot call number 2: it is not a function");
}

Test(vm, tail_call_to_a_builtin) {
  assert_value("fn f(xs) { len(xs) } f([1, 2, 3])", "3");
  assert_value("fn f(xs) { if len(xs) > 0 { sum(xs) } else { 0 } } [f([1, 2]), f([])]", "[3, 0]");
}

Test(vm, vm_call_from_c) {
  VM *vm = test_vm();
  run_ok(vm, "fn add(a, b) { a + b }");
  Value args[2] = {val_num(2), val_num(3)};
  cr_assert_eq(vm_call(vm, NULL, NULL, vm_get_global(vm, "add"), 2, args), val_num(5));
  Value arr = val_obj(obj_array(4));
  cr_assert_eq(vm_call(vm, NULL, NULL, vm_get_global(vm, "len"), 1, &arr), val_num(4));
  cr_assert_eq(run_ok(vm, "call_it(fn() { 40 + 2 })"), val_num(42));
}

Test(vm, error_inside_vm_call_keeps_both_traces) {
  VM *vm = test_vm();
  char *msgs = run_fail(vm, "fn inner() {\n  [][0]\n}\ncall_it(inner)");
  cr_assert_str_eq(msgs, "test.ppl:2:3: error: index 0 is out of range: the array is empty\n"
                         "    2 |   [][0]\n"
                         "      |   ^~~~~\n"
                         "  in inner (test.ppl:2:3)\n"
                         "  called from <main> (test.ppl:4:1)\n");
  free(msgs);
}

/* ----------------------------------------------------- runtime errors */

Test(vm, runtime_error_location_and_stack_trace) {
  VM *vm = driver_new_vm(1);
  char *msgs = run_fail(vm, "fn a(x) {\n  x[5]\n}\nfn b(x) {\n  let y = a(x);\n  y\n}\nb([1])");
  cr_assert_str_eq(msgs, "test.ppl:2:3: error: index 5 is out of range for array of length 1 (valid: 0 to 0)\n"
                         "    2 |   x[5]\n"
                         "      |   ^~~~\n"
                         "  in a (test.ppl:2:3)\n"
                         "  called from b (test.ppl:5:11)\n"
                         "  called from <main> (test.ppl:8:1)\n");
  free(msgs);
  RuntimeError *e = &vm->error;
  cr_assert_eq(e->span.line, 2);
  cr_assert_eq(e->span.col, 3);
  cr_assert_eq(e->span.end_col, 6);
  cr_assert_eq(e->n_frames, 3);
  cr_assert_str_eq(e->frames[0].fn_name, "a");
  cr_assert_str_eq(e->frames[1].fn_name, "b");
  cr_assert_eq(e->frames[1].span.line, 5);
  cr_assert_str_eq(e->frames[2].fn_name, "<main>");
  cr_assert_str_eq(e->src->name, "test.ppl");
}

Test(vm, error_in_a_builtin_points_at_the_call) {
  char *msgs;
  run_source("let xs = [1, \"a\"];\nlet s =  sum(xs);", &msgs);
  cr_assert_str_eq(msgs, "test.ppl:2:10: error: sum: element 1 of the array must be a number, got string \"a\"\n"
                         "    2 | let s =  sum(xs);\n"
                         "      |          ^~~~~~~\n");
  free(msgs);
}

Test(vm, tail_calls_leave_no_frames_in_the_trace) {
  char *msgs;
  run_source("fn f(n) { if n == 0 { [][0] } else { f(n - 1) } }\nf(50)", &msgs);
  cr_assert(strstr(msgs, "  in f (test.ppl:1:23)\n  called from <main> (test.ppl:2:1)\n"), "%s", msgs);
  free(msgs);
}

Test(vm, repeated_frames_are_collapsed) {
  char *msgs;
  run_source("fn f(n) { if n == 0 { [][0] } else { 1 + f(n - 1) } }\nf(50)", &msgs);
  cr_assert(strstr(msgs, "  in f (test.ppl:1:23)\n"
                         "  called from f (test.ppl:1:42)\n"
                         "  ... the same call 49 more times\n"
                         "  called from <main> (test.ppl:2:1)\n"),
            "%s", msgs);
  free(msgs);
}

Test(vm, long_traces_are_shortened) {
  /* 22 frames that differ from their neighbours: the first 12, a count of
   * the 7 left out, then the last 3 */
  const char *text = "fn f(n) { if n == 0 { [][0] } else if n % 2 == 0 { 1 + f(n - 1) } else { 2 + f(n - 1) } }\nf(20)";
  char *msgs;
  run_source(text, &msgs);
  int lines = 0;
  for (char *p = msgs; *p; p++) lines += *p == '\n';
  /* message, source line, caret, 12 frames, "... N more frames", 3 frames */
  cr_assert_eq(lines, 3 + 12 + 1 + 3, "%s", msgs);
  cr_assert(strstr(msgs, "  ... 7 more frames\n"), "%s", msgs);
  free(msgs);
}

Test(vm, error_function_and_assert) {
  assert_error_at("error(\"boom\")", "test.ppl:1:1: error: boom");
  assert_error_at("fn f() {\n  assert(1 > 2, \"one is not more than two\")\n}\nf()",
                  "test.ppl:2:3: error: assertion failed: one is not more than two");
}

Test(vm, global_used_before_definition_at_run_time) {
  assert_error_at("fn f() { b }\nlet c = f();\nlet b = 1;", "test.ppl:1:10: error: 'b' is used before it is defined");
}

Test(vm, fiber_state_after_error) {
  VM *vm = driver_new_vm(1);
  run_ok(vm, "fn bad() { [][1] }");
  Fiber *f = fiber_new(vm, vm_get_global(vm, "bad"), 0, NULL);
  cr_assert_eq(f->state, FIBER_READY);
  cr_assert_eq(vm_run(vm, f), FIBER_ERROR);
  cr_assert_eq(f->state, FIBER_ERROR);
  cr_assert_str_eq(vm->error.message, "index 1 is out of range: the array is empty");
  cr_assert_null(vm->fiber); /* the VM is left as it was */
  cr_assert_null(vm->on_error);
}

/* ------------------------------------------------------------- limits */

Test(vm, tail_calls_run_in_constant_stack) {
  assert_value("fn loop(i, acc) { if i == 0 { acc } else { loop(i - 1, acc + 1) } } loop(10000000, 0)",
               "10000000");
}

Test(vm, tail_calls_do_not_grow_the_fiber) {
  VM *vm = driver_new_vm(1);
  run_ok(vm, "fn loop(i, acc) { if i == 0 { acc } else { loop(i - 1, acc + 1) } }");
  Value args[2] = {val_num(1000000), val_num(0)};
  Fiber *f = fiber_new(vm, vm_get_global(vm, "loop"), 2, args);
  uint32_t frames = f->frames_cap, stack = f->stack_cap;
  cr_assert_eq(vm_run(vm, f), FIBER_DONE);
  cr_assert_eq(f->result, val_num(1000000));
  cr_assert_eq(f->frames_cap, frames);
  cr_assert_eq(f->stack_cap, stack);
}

Test(vm, tail_call_to_a_function_that_needs_a_bigger_stack) {
  /* g needs more stack than the fiber was made with: the tail call grows it */
  char text[600] = "fn g(a) { [";
  for (int i = 0; i < 60; i++) strcat(text, i ? ", a" : "a");
  strcat(text, "] } fn f(a) { g(a) } len(f(1)) + sum(f(2))");
  assert_value(text, "180");
}

Test(vm, tail_calls_through_closures) {
  assert_value("fn f(n, acc) { if n == 0 { acc } else { let g = fn() { f(n - 1, acc + 1) }; g() } } f(1000000, 0)",
               "1000000");
}

Test(vm, mutual_tail_recursion_runs_in_constant_stack) {
  assert_value("fn even(n) { if n == 0 { true } else { odd(n - 1) } }\n"
               "fn odd(n) { if n == 0 { false } else { even(n - 1) } }\n"
               "even(1000001)",
               "false");
}

Test(vm, deep_recursion_is_an_error_not_a_crash) {
  assert_error("fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } } f(10000000)", "recursion too deep");
}

Test(vm, deep_recursion_message) {
  char *msgs;
  run_source("fn f(n) { 1 + f(n + 1) }\nf(0)", &msgs);
  cr_assert_str_eq(msgs, "test.ppl:1:15: error: recursion too deep (more than 200000 nested calls)\n"
                         "    1 | fn f(n) { 1 + f(n + 1) }\n"
                         "      |               ^~~~~~~~\n"
                         "hint: a call that is the last thing its function does (a tail call) does not use stack; "
                         "or use a for loop\n"
                         "  in f (test.ppl:1:15)\n"
                         "  ... the same call 199998 more times\n"
                         "  called from <main> (test.ppl:2:1)\n");
  free(msgs);
}

Test(vm, recursion_just_below_the_limit_works) {
  assert_value("fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } } f(150000)", "150000");
}

Test(vm, step_limit) {
  VM *vm = driver_new_vm(1);
  vm->rt->max_steps = 10000;
  char *msgs = run_fail(vm, "fn f(n) { f(n + 1) }\nf(0)");
  assert_first_line(msgs, "test.ppl:1:11: error: step limit of 10000 reached");
  cr_assert(strstr(msgs, "hint: raise the limit with --max-steps, or look for a loop that never ends\n"), "%s", msgs);
  free(msgs);
}

Test(vm, step_limit_counts_loop_iterations) {
  VM *vm = driver_new_vm(1);
  vm->rt->max_steps = 50000;
  char *msgs = run_fail(vm, "for i in 0..1000000000 { 0 };\n1");
  cr_assert(strstr(msgs, "error: step limit of 50000 reached"), "%s", msgs);
  free(msgs);
  cr_assert_lt(vm->steps, 60000u);
}

/* Chains in threads run on forked VMs: the limit bounds their steps
 * together, not each chain's on its own. */
Test(vm, step_limit_bounds_all_mh_chains_together) {
  VM *vm = driver_new_vm(1);
  vm->rt->max_steps = 20000;
  char *msgs = run_fail(vm, "infer(fn() { x ~ normal(0, 1); observe(normal(x, 1), 0.5); x },\n"
                            "      mh({chains: 30000, samples: 1, burn: 100}))");
  cr_assert(strstr(msgs, "error: step limit of 20000 reached"), "%s", msgs);
  free(msgs);
}

Test(vm, programs_under_the_step_limit_finish) {
  VM *vm = driver_new_vm(1);
  vm->rt->max_steps = 100000;
  cr_assert_eq(run_ok(vm, "fold(range(1000), 0, fn(a, x) { a + x })"), val_num(499500));
}

Test(vm, time_limit) {
  VM *vm = driver_new_vm(1);
  vm->rt->deadline = 1; /* long past */
  char *msgs = run_fail(vm, "fn f(n) { f(n + 1) }\nf(0)");
  assert_first_line(msgs, "test.ppl:1:11: error: time limit reached");
  cr_assert(strstr(msgs, "hint: raise the limit with --timeout, or look for a loop that never ends\n"), "%s", msgs);
  free(msgs);
}

Test(vm, interrupt) {
  VM *vm = driver_new_vm(1);
  vm->rt->interrupted = 1;
  char *msgs = run_fail(vm, "fn f(n) { f(n + 1) }\nf(0)");
  assert_first_line(msgs, "test.ppl:1:11: error: interrupted");
  free(msgs);
  cr_assert_eq(vm->rt->interrupted, 0);
}

/* Runs text in a fresh VM and asserts it ends with a value or an error
 * message: a crash fails the test. */
static void assert_no_crash(const char *text) {
  char *msgs;
  Value v = run_source(text, &msgs);
  cr_assert(v != VAL_UNDEF || strstr(msgs, "error: ") != NULL, "%s\nneither a value nor an error:\n%s", text, msgs);
  free(msgs);
}

/* Regression (fixed): printing and comparing values recurse on the C stack, so a value
 * nested a million deep (easy to build with fold) crashes the process. */
Test(vm, deeply_nested_values_do_not_crash) {
  assert_no_crash("let d = fold(range(1000000), [], fn(a, x) { [a] }); len(str(d))");
  assert_no_crash("let d = fold(range(1000000), [], fn(a, x) { [a] });\n"
                  "let e = fold(range(1000000), [], fn(a, x) { [a] });\nd == e");
}

Test(vm, moderately_nested_values_print) {
  assert_value("let d = fold(range(10000), [], fn(a, x) { [a] }); len(str(d))", "20002");
}

/* Regression (fixed): when an allocation fails (here an array of 10^9 elements under a
 * 2 GB address-space limit) the VM writes through the NULL the collector
 * returns and crashes, instead of reporting "out of memory". */
Test(vm, out_of_memory_is_an_error) {
  struct rlimit lim = {2000000000, 2000000000};
  cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0);
  assert_error("len(fill(1000000000, 0))", "out of memory");
}

/* ----------------------------------------------------- runtime, globals */

Test(vm, interning) {
  VM *vm = vm_new();
  ObjString *a = vm_intern_cstr(vm, "hello");
  ObjString *b = vm_intern(vm, "hello!", 5);
  cr_assert_eq(a, b);
  cr_assert_neq(a, vm_intern_cstr(vm, "hell"));
  cr_assert_eq(a->len, 5);
  cr_assert_str_eq(a->chars, "hello");
  ObjString *fresh = obj_string_cstr("hello");
  cr_assert_neq(fresh, a);
  cr_assert(val_equal(val_obj(fresh), val_obj(a)));
}

Test(vm, globals) {
  VM *vm = vm_new();
  cr_assert_eq(vm_get_global(vm, "nothing"), VAL_UNDEF);
  cr_assert_eq(vm_global_index(vm, vm_intern_cstr(vm, "nothing")), -1);
  vm_define(vm, "answer", val_num(42));
  cr_assert_eq(vm_get_global(vm, "answer"), val_num(42));
  int i = vm_global_index(vm, vm_intern_cstr(vm, "answer"));
  cr_assert_geq(i, 0);
  /* a new slot is not visible by name until it is set */
  int j = vm_global_new(vm, vm_intern_cstr(vm, "later"));
  cr_assert_neq(i, j);
  cr_assert_eq(vm->rt->globals[j], VAL_UNDEF);
  cr_assert_eq(vm_global_index(vm, vm_intern_cstr(vm, "later")), -1);
  vm_global_set(vm, j, val_num(1));
  cr_assert_eq(vm_global_index(vm, vm_intern_cstr(vm, "later")), j);
  cr_assert_eq(vm_get_global(vm, "later"), val_num(1));
}

Test(vm, defining_a_global_again_makes_a_new_slot) {
  VM *vm = vm_new();
  vm_define(vm, "answer", val_num(42));
  int i = vm_global_index(vm, vm_intern_cstr(vm, "answer"));
  vm_define(vm, "answer", val_num(43));
  int j = vm_global_index(vm, vm_intern_cstr(vm, "answer"));
  cr_assert_neq(i, j);
  cr_assert_eq(vm_get_global(vm, "answer"), val_num(43));
  cr_assert_eq(vm->rt->globals[i], val_num(42)); /* code compiled against the old slot keeps its value */
}

Test(vm, many_globals) {
  VM *vm = vm_new();
  char name[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "g%d", i);
    vm_define(vm, name, val_num(i));
  }
  for (int i = 0; i < 1000; i += 97) {
    snprintf(name, sizeof name, "g%d", i);
    cr_assert_eq(vm_get_global(vm, name), val_num(i));
  }
}

Test(vm, print_writes_to_the_runtime_output) {
  VM *vm = driver_new_vm(1);
  char *buf = NULL;
  size_t len = 0;
  vm->rt->out = open_memstream(&buf, &len);
  run_ok(vm, "print(1, \"a\", [\"b\"]); println(); println(\"x\", nil, 2.5); 0");
  fclose(vm->rt->out);
  cr_assert_str_eq(buf, "1 a [\"b\"]\nx nil 2.5\n");
  free(buf);
}

/* ------------------------------------------------------ random choices */

/* Runs the zero-argument function `name` of text in a fiber with no handler;
 * it must fail. Returns the error message. */
static const char *unhandled_error(VM *vm, const char *text, const char *name) {
  run_ok(vm, text);
  Fiber *f = fiber_new(vm, vm_get_global(vm, name), 0, NULL);
  cr_assert_eq(vm_run(vm, f), FIBER_ERROR);
  return vm->error.message;
}

Test(vm, random_choices_need_a_handler) {
  VM *vm = test_vm();
  cr_assert_str_eq(unhandled_error(vm, "fn m1() { x ~ td(); x }", "m1"),
                   "random choices can only be made in a model run by infer, simulate or sample");
  cr_assert_str_eq(unhandled_error(vm, "fn m2() { sample(td()) }", "m2"),
                   "random choices can only be made in a model run by infer, simulate or sample");
  cr_assert_str_eq(unhandled_error(vm, "fn m3() { observe(td(), 1) }", "m3"),
                   "observe can only be used in a model run by infer");
  cr_assert_str_eq(unhandled_error(vm, "fn m4() { factor(0) }", "m4"), "factor can only be used in a model run by infer");
  cr_assert_str_eq(unhandled_error(vm, "fn m5() { condition(true) }", "m5"),
                   "condition can only be used in a model run by infer");
  cr_assert_eq(vm->error.span.line, 1);
  cr_assert_eq(vm->error.span.col, 11);
}

Test(vm, random_choice_argument_errors) {
  VM *vm = test_vm();
  char *msgs = run_fail(vm, "sample(1)");
  assert_first_line(msgs, "test.ppl:1:1: error: sample: argument 1 must be a distribution, got number 1");
  free(msgs);
  msgs = run_fail(vm, "sample(1, td())");
  assert_first_line(msgs, "test.ppl:1:1: error: sample: argument 1 must be a string (the choice's name), got number 1");
  free(msgs);
  msgs = run_fail(vm, "sample(\"n\", 1)");
  assert_first_line(msgs, "test.ppl:1:1: error: sample: argument 2 must be a distribution, got number 1");
  free(msgs);
  msgs = run_fail(vm, "x ~ 1;");
  assert_first_line(msgs, "test.ppl:1:1: error: sample: argument 1 must be a distribution, got number 1");
  free(msgs);
  msgs = run_fail(vm, "observe(1, 2)");
  assert_first_line(msgs, "test.ppl:1:1: error: observe: argument 1 must be a distribution, got number 1");
  free(msgs);
  msgs = run_fail(vm, "factor(\"a\")");
  assert_first_line(msgs, "test.ppl:1:1: error: factor: argument 1 must be a number (a log weight), got string \"a\"");
  free(msgs);
  msgs = run_fail(vm, "factor(nan)");
  assert_first_line(msgs, "test.ppl:1:1: error: factor: the log weight is nan");
  free(msgs);
  msgs = run_fail(vm, "condition(1)");
  assert_first_line(msgs, "test.ppl:1:1: error: condition: argument 1 must be a boolean, got number 1");
  free(msgs);
}

/* Regression (fixed): for x[i] ~ D the indices are counted as arguments, so a bad D is
 * "argument 2" (or 3, ...) where x ~ D calls it "argument 1". */
Test(vm, tilde_with_indices_reports_the_distribution_like_tilde) {
  VM *vm = test_vm();
  char *msgs = run_fail(vm, "x[0] ~ 1;");
  assert_first_line(msgs, "test.ppl:1:1: error: sample: argument 1 must be a distribution, got number 1");
  free(msgs);
}

Test(vm, handler_sees_every_choice) {
  VM *vm = test_vm();
  Recorder r = {.next = 0.5};
  Fiber *f = model_fiber(vm, "fn m() {\n  p ~ td();\n  observe(td(), 2);\n  factor(-1.5);\n  condition(true);\n  [p, sample(td())]\n}", "m", &r);
  cr_assert_eq(run_to_end(vm, f), FIBER_DONE);
  assert_result(f, "[0.5, 0.5]");
  cr_assert_eq(r.samples, 2);
  cr_assert_eq(r.observes, 1);
  cr_assert_eq(r.factors, 2);
  cr_assert_eq(r.observed[0], val_num(2));
  cr_assert_eq(f->log_weight, 2 - 1.5);
}

Test(vm, failed_condition_is_a_factor_of_minus_infinity) {
  VM *vm = test_vm();
  Recorder r = {0};
  Fiber *f = model_fiber(vm, "fn m() { condition(1 > 2); 3 }", "m", &r);
  cr_assert_eq(run_to_end(vm, f), FIBER_DONE);
  cr_assert_eq(r.factors, 1);
  cr_assert(isinf(f->log_weight) && f->log_weight < 0);
}

Test(vm, suspend_and_resume) {
  VM *vm = test_vm();
  Recorder r = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { observe(td(), 1); observe(td(), 2); observe(td(), 3); \"done\" }", "m", &r);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  cr_assert_eq(f->state, FIBER_SUSPENDED);
  cr_assert_eq(r.observes, 1);
  cr_assert_eq(f->log_weight, 1);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  cr_assert_eq(f->log_weight, 3);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  cr_assert_eq(vm_run(vm, f), FIBER_DONE);
  assert_result(f, "\"done\"");
  cr_assert_eq(f->log_weight, 6);
}

Test(vm, addresses) {
  VM *vm = test_vm();
  Recorder r = {.next = 0};
  Fiber *f = model_fiber(vm,
                         "fn inner() { z ~ td(); z }\n"
                         "fn m() {\n"
                         "  a ~ td();\n"
                         "  for i in 0..2 { b ~ td(); }\n"
                         "  for i in 0..2 { for j in 0..2 { c ~ td(); } }\n"
                         "  d[5][1] ~ td();\n"
                         "  let e = sample(\"named\" + \"!\", td());\n"
                         "  let f = sample(td());\n"
                         "  for s in [\"x\", \"y\"] { g ~ td(); }\n"
                         "  for i in 3..5 { h ~ td(); }\n"
                         "  for i in 0..2 { w[i * 2] ~ td(); }\n"
                         "  for i in 7..9 { inner(); }\n"
                         "  observe(td(), 1);\n"
                         "  nil\n"
                         "}",
                         "m", &r);
  cr_assert_eq(run_to_end(vm, f), FIBER_DONE);
  const char *want[] = {"a",      "b[0]",   "b[1]",   "c[0][0]", "c[0][1]", "c[1][0]", "c[1][1]", "d[5][1]",
                        "named!", "@8:11",  "g[0]",   "g[1]",    "h[3]",    "h[4]",    "w[0]",    "w[2]",
                        "z[7]",   "z[8]",   "@13:3"};
  int n = (int)(sizeof want / sizeof *want);
  cr_assert_eq(r.n_addrs, n);
  for (int i = 0; i < n; i++) cr_assert_str_eq(r.addrs[i], want[i], "address %d", i);
}

Test(vm, addresses_are_interned) {
  VM *vm = test_vm();
  run_ok(vm, "0");
  ObjSite *site = obj_alloc(sizeof(ObjSite), OBJ_SITE);
  site->kind = SITE_NAMED;
  site->name = vm_intern_cstr(vm, "x");
  Choice c = {.site = site, .dist = VAL_NIL, .name = VAL_NIL};
  Fiber f;
  memset(&f, 0, sizeof f);
  ObjString *a1 = vm_address(vm, &f, &c);
  ObjString *a2 = vm_address(vm, &f, &c);
  cr_assert_eq(a1, a2);
  cr_assert_eq(a1, vm_intern_cstr(vm, "x"));
}

/* ---------------------------------------------------------------- fibers */

Test(vm, fiber_copy_shares_heap_and_copies_stack) {
  VM *vm = driver_new_vm(1);
  Source *src = src_new("t.ppl", "fn g(x) { [x, x] } g", 20);
  ObjFunction *fn = driver_compile(vm, src, stderr, NULL);
  Value g;
  cr_assert(driver_run(vm, fn, &g, stderr));
  Value arg = val_num(3);
  Fiber *f = fiber_new(vm, g, 1, &arg);
  Fiber *c = fiber_copy(f);
  cr_assert_neq(c->stack, f->stack);
  cr_assert_eq(c->stack[0], f->stack[0]); /* the same closure object */
  cr_assert_eq(vm_run(vm, f), FIBER_DONE);
  cr_assert_eq(vm_run(vm, c), FIBER_DONE);
  cr_assert(val_equal(f->result, c->result));
  cr_assert_neq(f->result, c->result); /* separate runs made separate arrays */
}

Test(vm, fiber_copy_keeps_weight_and_position) {
  VM *vm = test_vm();
  Recorder r = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { observe(td(), 2); let a = sample(td()); observe(td(), a); a * 100 }", "m", &r);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED); /* after the first observe */
  Fiber *c = fiber_copy(f);
  cr_assert_eq(c->log_weight, 2);
  cr_assert_eq(c->state, FIBER_SUSPENDED);
  Recorder r2 = {.next = 7, .suspend = true};
  c->hdata = &r2;
  cr_assert_eq(run_to_end(vm, c), FIBER_DONE);
  cr_assert_eq(run_to_end(vm, f), FIBER_DONE);
  assert_result(f, "100");
  assert_result(c, "700");
  cr_assert_eq(f->log_weight, 3);
  cr_assert_eq(c->log_weight, 9);
}

Test(vm, fiber_copy_while_a_for_loop_collects) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { for i in 0..3 { let x = sample(td()); x * 10 + i } }", "m", &r1);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED); /* inside the loop, after the first sample */
  Fiber *c = fiber_copy(f);
  Recorder r2 = {.next = 2, .suspend = true};
  c->hdata = &r2;
  /* the original finishes first, then the copy: each builds its own array */
  cr_assert_eq(run_to_end(vm, f), FIBER_DONE);
  cr_assert_eq(run_to_end(vm, c), FIBER_DONE);
  assert_result(f, "[10, 11, 12]");
  assert_result(c, "[10, 21, 22]");
}

Test(vm, fiber_copy_while_a_for_loop_collects_interleaved) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { for i in 0..4 { sample(td()) } }", "m", &r1);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  Fiber *c = fiber_copy(f);
  Recorder r2 = {.next = 2, .suspend = true};
  c->hdata = &r2;
  /* three more samples and the end, one step of each fiber at a time */
  for (int step = 0; step < 4; step++) {
    cr_assert_eq(vm_run(vm, c), step < 3 ? FIBER_SUSPENDED : FIBER_DONE);
    cr_assert_eq(vm_run(vm, f), step < 3 ? FIBER_SUSPENDED : FIBER_DONE);
  }
  assert_result(f, "[1, 1, 1, 1]");
  assert_result(c, "[1, 2, 2, 2]");
}

Test(vm, fiber_copy_of_a_copy) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { for i in 0..3 { sample(td()) } }", "m", &r1);
  vm_run(vm, f);
  Fiber *c = fiber_copy(f);
  Recorder r2 = {.next = 2, .suspend = true};
  c->hdata = &r2;
  vm_run(vm, c); /* c has [1, 2] so far */
  Fiber *cc = fiber_copy(c);
  Recorder r3 = {.next = 3, .suspend = true};
  cc->hdata = &r3;
  run_to_end(vm, cc);
  run_to_end(vm, c);
  run_to_end(vm, f);
  assert_result(f, "[1, 1, 1]");
  assert_result(c, "[1, 2, 2]");
  assert_result(cc, "[1, 2, 3]");
}

Test(vm, fiber_copy_in_nested_loops) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { for i in 0..2 { for j in 0..2 { sample(td()) } } }", "m", &r1);
  vm_run(vm, f);
  Fiber *c = fiber_copy(f);
  Recorder r2 = {.next = 2, .suspend = true};
  c->hdata = &r2;
  run_to_end(vm, f);
  run_to_end(vm, c);
  assert_result(f, "[[1, 1], [1, 1]]");
  assert_result(c, "[[1, 2], [2, 2]]");
}

Test(vm, fiber_copy_inside_a_prelude_loop) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { map([0, 10, 20], fn(k) { sample(td()) + k }) }", "m", &r1);
  vm_run(vm, f);
  Fiber *c = fiber_copy(f);
  Recorder r2 = {.next = 2, .suspend = true};
  c->hdata = &r2;
  run_to_end(vm, c);
  run_to_end(vm, f);
  assert_result(f, "[1, 11, 21]");
  assert_result(c, "[1, 12, 22]");
  /* the copy keeps the loop index for addresses too */
  cr_assert_eq(r2.n_addrs, 2);
}

Test(vm, fiber_copy_keeps_loop_indices_for_addresses) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 0, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { for i in 0..3 { x ~ td(); x } }", "m", &r1);
  vm_run(vm, f);
  Fiber *c = fiber_copy(f);
  Recorder r2 = {.next = 0, .suspend = true};
  c->hdata = &r2;
  run_to_end(vm, c);
  cr_assert_eq(r2.n_addrs, 2);
  cr_assert_str_eq(r2.addrs[0], "x[1]");
  cr_assert_str_eq(r2.addrs[1], "x[2]");
}

Test(vm, vm_call_inside_a_model_run) {
  /* a builtin may run another fiber to completion in the middle of a model */
  VM *vm = test_vm();
  Recorder r = {.next = 5};
  Fiber *f = model_fiber(vm, "fn helper(x) { x * 2 }\nfn m() { let a = sample(td()); helper(a) + call_it(fn() { a }) }", "m", &r);
  cr_assert_eq(run_to_end(vm, f), FIBER_DONE);
  assert_result(f, "15");
}

/* ------------------------------------------------- batches, fiber blocks */

typedef struct Stepped {
  size_t index[8];
  double delta[8];
  int n;
} Stepped;

static void note_step(void *ctx, size_t i, Fiber *f, double weight_before) {
  Stepped *s = ctx;
  if (s->n < 8) {
    s->index[s->n] = i;
    s->delta[s->n] = f->log_weight - weight_before;
  }
  s->n++;
}

Test(vm, run_all_resumes_each_unfinished_fiber_once) {
  VM *vm = test_vm();
  Recorder r[3] = {{.next = 1, .suspend = true}, {.next = 1, .suspend = true}, {.next = 1, .suspend = true}};
  Fiber *fs[3];
  for (int i = 0; i < 3; i++) fs[i] = model_fiber(vm, "fn m() { observe(td(), 2); observe(td(), 5); 7 }", "m", &r[i]);
  cr_assert_eq(run_to_end(vm, fs[1]), FIBER_DONE); /* finished: skipped */
  Stepped s = {0};
  cr_assert_eq(vm_run_all(vm, fs, 3, note_step, &s), 3);
  cr_assert_eq(s.n, 2);
  cr_assert_eq(s.index[0], 0);
  cr_assert_eq(s.index[1], 2);
  cr_assert_eq(s.delta[0], 2);
  cr_assert_eq(fs[0]->state, FIBER_SUSPENDED);
  cr_assert_null(vm->fiber); /* the VM is left as it was */
  cr_assert_null(vm->on_error);
  s.n = 0;
  vm_run_all(vm, fs, 3, note_step, &s);
  cr_assert_eq(s.delta[0], 5);
  vm_run_all(vm, fs, 3, note_step, &s);
  assert_result(fs[0], "7");
  assert_result(fs[2], "7");
}

Test(vm, run_all_stops_at_the_fiber_that_fails) {
  VM *vm = test_vm();
  Recorder r[3] = {{.suspend = true}, {.suspend = true}, {.suspend = true}};
  Fiber *fs[3];
  fs[0] = model_fiber(vm, "fn ok() { observe(td(), 1); 1 }", "ok", &r[0]);
  fs[1] = model_fiber(vm, "fn bad() { [][3] }", "bad", &r[1]);
  fs[2] = model_fiber(vm, "fn ok2() { observe(td(), 1); 1 }", "ok2", &r[2]);
  Stepped s = {0};
  cr_assert_eq(vm_run_all(vm, fs, 3, note_step, &s), 1);
  cr_assert_eq(s.n, 1);
  cr_assert_eq(fs[0]->state, FIBER_SUSPENDED);
  cr_assert_eq(fs[1]->state, FIBER_ERROR);
  cr_assert_eq(fs[2]->state, FIBER_READY);
  cr_assert_str_eq(vm->error.message, "index 3 is out of range: the array is empty");
  cr_assert_null(vm->fiber);
  cr_assert_null(vm->on_error);
  /* the others carry on */
  cr_assert_eq(run_to_end(vm, fs[0]), FIBER_DONE);
  cr_assert_eq(run_to_end(vm, fs[2]), FIBER_DONE);
}

/* Whether p lies in f's block. */
static bool in_block(const Fiber *f, const void *p) {
  return (const char *)p >= (const char *)(f + 1) && (const char *)p < (const char *)(f + 1) + f->block;
}

Test(vm, fiber_copy_into_a_dead_block_of_the_same_shape) {
  VM *vm = test_vm();
  Recorder r1 = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn m() { for i in 0..3 { let x = sample(td()); x * 10 + i } }", "m", &r1);
  Recorder r0 = {.next = 9, .suspend = true};
  Fiber *dead = model_fiber(vm, "fn m() { for i in 0..3 { let x = sample(td()); x * 10 + i } }", "m", &r0);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  cr_assert_eq(vm_run(vm, dead), FIBER_SUSPENDED);
  Fiber *c = fiber_copy_into(dead, f);
  cr_assert_eq(c, dead, "a block of the same size is reused");
  cr_assert(in_block(c, c->stack) && in_block(c, c->frames) && (!c->loops || in_block(c, c->loops)));
  cr_assert_eq(c->sp, f->sp);
  cr_assert_eq(c->n_frames, f->n_frames);
  cr_assert_eq(c->n_loops, f->n_loops);
  cr_assert_geq(c->frames_cap, c->n_frames);
  cr_assert_geq(c->loops_cap, c->n_loops);
  Recorder r2 = {.next = 2, .suspend = true};
  c->hdata = &r2;
  run_to_end(vm, f);
  run_to_end(vm, c);
  assert_result(f, "[10, 11, 12]");
  assert_result(c, "[10, 21, 22]");
}

Test(vm, fiber_copy_into_a_block_too_small_makes_a_new_one) {
  VM *vm = test_vm();
  Recorder r = {.next = 1, .suspend = true};
  /* deep recursion grows the stack and frames out of the block */
  Fiber *f = model_fiber(vm, "fn d(n) { if n == 0 { sample(td()); sample(td()) } else { 1 + d(n - 1) } }\nfn m() { d(50) }", "m", &r);
  Recorder r0 = {.next = 1, .suspend = true};
  Fiber *dead = model_fiber(vm, "fn small() { sample(td()) }", "small", &r0);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  cr_assert_gt(f->n_frames, 50);
  Fiber *c = fiber_copy_into(dead, f);
  cr_assert_neq(c, dead);
  cr_assert(in_block(c, c->stack) && in_block(c, c->frames));
  Recorder r2 = {.next = 5, .suspend = true};
  c->hdata = &r2;
  run_to_end(vm, f);
  run_to_end(vm, c);
  assert_result(f, "51");
  assert_result(c, "55");
}

Test(vm, fiber_copy_keeps_room_to_call_deeper) {
  /* the model stops at depth 1 and then calls two functions deep: a copy
   * (and a copy of the copy) can do that without moving its frames out of
   * its block */
  VM *vm = test_vm();
  Recorder r = {.next = 1, .suspend = true};
  Fiber *f = model_fiber(vm, "fn g(x) { x + 1 }\nfn h(x) { g(x) * 2 }\nfn m() { let a = sample(td()); let b = sample(td()); h(a + b) }", "m", &r);
  cr_assert_eq(vm_run(vm, f), FIBER_SUSPENDED);
  cr_assert_eq(f->n_frames, 1);
  Fiber *c = fiber_copy(f);
  Fiber *cc = fiber_copy(c);
  cr_assert_geq(cc->frames_cap, 3);
  cr_assert(in_block(cc, cc->frames));
  const CallFrame *frames_before = cc->frames;
  Recorder r2 = {.next = 2, .suspend = true};
  cc->hdata = &r2;
  run_to_end(vm, cc);
  assert_result(cc, "8");
  cr_assert_eq(cc->frames, frames_before, "the frames stayed in the block");
  run_to_end(vm, f);
  assert_result(f, "6");
}
