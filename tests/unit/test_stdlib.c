/* Unit tests of the standard library: the builtins of stdlib/core.c,
 * math.c and io.c, and the prelude's functions (stdlib/prelude.ppl). */
#include <unistd.h>

#include "helpers.h"

#include "vm/dist.h"

TestSuite(stdlib);

/* A builtin's error: the whole first line of the messages. */
#define assert_builtin_error(src, message) assert_error_at(src, "test.ppl:1:1: error: " message)

/* Writes text to a fresh temporary file; returns its path (malloc'd). */
static char *temp_file(const char *text) {
  char *path = strdup("/tmp/ppl_test_XXXXXX.csv");
  int fd = mkstemps(path, 4);
  cr_assert_geq(fd, 0);
  size_t n = strlen(text);
  cr_assert_eq(write(fd, text, n), (ssize_t)n);
  close(fd);
  return path;
}

/* read_csv of text, as the REPL would show the result. */
#define assert_csv(text, expected)                                              \
  do {                                                                          \
    char *path_ = temp_file(text);                                              \
    char prog_[512];                                                            \
    snprintf(prog_, sizeof prog_, "read_csv(\"%s\")", path_);                   \
    assert_value(prog_, expected);                                              \
    unlink(path_);                                                              \
    free(path_);                                                                \
  } while (0)

/* read_csv of text fails; the first line of the message, after "read_csv:
 * PATH:", is expected. */
#define assert_csv_error(text, expected_after_path)                             \
  do {                                                                          \
    char *path_ = temp_file(text);                                              \
    char prog_[512], want_[1024];                                               \
    snprintf(prog_, sizeof prog_, "read_csv(\"%s\")", path_);                   \
    snprintf(want_, sizeof want_, "test.ppl:1:1: error: read_csv: %s:%s", path_, expected_after_path); \
    assert_error_at(prog_, want_);                                              \
    unlink(path_);                                                              \
    free(path_);                                                                \
  } while (0)

/* ---------------------------------------------------------------- output */

static char *output_of(const char *text) {
  VM *vm = driver_new_vm(1);
  char *buf = NULL;
  size_t len = 0;
  vm->rt->out = open_memstream(&buf, &len);
  char *msgs;
  Value v = run_on(vm, text, &msgs);
  fclose(vm->rt->out);
  cr_assert_neq(v, VAL_UNDEF, "%s\nfailed:\n%s", text, msgs);
  free(msgs);
  return buf;
}

Test(stdlib, print_and_println) {
  char *out = output_of("print(1, \"a\", [\"b\"], nil); println(\"x\", true); println(); print()");
  cr_assert_str_eq(out, "1 a [\"b\"] nilx true\n\n");
  free(out);
  /* both are nil */
  assert_value("[print(\"\"), println(\"\")]", "[nil, nil]");
}

Test(stdlib, str_and_repr) {
  assert_value("str(\"a\")", "\"a\"");
  assert_value("str([1, \"a\"])", "\"[1, \\\"a\\\"]\"");
  assert_value("str(1.5)", "\"1.5\"");
  assert_value("str(nil)", "\"nil\"");
  assert_value("str(true)", "\"true\"");
  assert_value("str(len)", "\"<builtin len>\"");
  assert_value("str(0.1 + 0.2)", "\"0.30000000000000004\"");
  assert_value("repr(\"a\\n\")", "\"\\\"a\\\\n\\\"\"");
  assert_value("repr(1)", "\"1\"");
  assert_value("repr([\"x\"])", "\"[\\\"x\\\"]\"");
}

Test(stdlib, type) {
  assert_value("[type(1), type(\"a\"), type([]), type({}), type(nil), type(true), type(len), type(fn() { 1 })]",
               "[\"number\", \"string\", \"array\", \"record\", \"nil\", \"boolean\", \"function\", \"function\"]");
}

Test(stdlib, format) {
  assert_value("format(\"{} and {}\", 1, \"a\")", "\"1 and a\"");
  assert_value("format(\"{:.2f}\", 3.14159)", "\"3.14\"");
  assert_value("format(\"{:.3e}\", 12345)", "\"1.234e+04\"");
  assert_value("format(\"{:5}|\", 42)", "\"   42|\"");
  assert_value("format(\"{:5.1f}|\", 3.14159)", "\"  3.1|\"");
  assert_value("format(\"{:5}|\", \"ab\")", "\"   ab|\"");
  assert_value("format(\"{:-5}|\", \"ab\")", "\"ab   |\"");
  assert_value("format(\"{:.2f}\", \"abc\")", "\"abc\"");
  assert_value("format(\"{{}} {}\", 1)", "\"{} 1\"");
  assert_value("format(\"{{}}\")", "\"{}\"");
  assert_value("format(\"no placeholders\")", "\"no placeholders\"");
  assert_value("format(\"{}\", [1, \"a\"])", "\"[1, \\\"a\\\"]\"");
  assert_value("format(\"{}\", 0.1)", "\"0.1\"");
}

Test(stdlib, format_errors) {
  assert_builtin_error("format(1)", "format: argument 1 must be a string, got number 1");
  assert_builtin_error("format(\"{} {}\", 1)", "format: more placeholders than values (1 given)");
  assert_builtin_error("format(\"{\", 1)", "format: '{' at position 0 has no matching '}'");
  assert_builtin_error("format(\"ab{x}\", 1)", "format: bad placeholder '{x}' (write {} or {:.2f})");
  assert_builtin_error("format(\"{:d}\", 1)", "format: bad placeholder '{:d}' (write {} or {:.2f})");
  assert_builtin_error("format(\"{:>5}\", 1)", "format: bad placeholder '{:>5}' (write {} or {:.2f})");
}

Test(stdlib, format_with_too_many_values) {
  assert_error("format(\"{}\", 1, 2)", "format: 2 values but only 1 placeholder");
}

/* Regression (fixed): the counts in these messages are not made singular: "1 placeholders",
 * "mean: needs at least 1 numbers". */
Test(stdlib, counts_in_messages_agree_in_number) {
  assert_builtin_error("format(\"{}\", 1, 2)", "format: 2 values but only 1 placeholder");
  assert_builtin_error("mean([])", "mean: needs at least 1 number, got 0");
}

Test(stdlib, assert_and_error) {
  assert_value("assert(true)", "nil");
  assert_value("assert(1 < 2, \"fine\")", "nil");
  assert_builtin_error("assert(false)", "assertion failed");
  assert_builtin_error("assert(false, \"bad thing\")", "assertion failed: bad thing");
  assert_builtin_error("assert(false, [1, \"a\"])", "assertion failed: [1, \"a\"]");
  assert_builtin_error("assert(1)", "assert: argument 1 must be a boolean, got number 1");
  assert_builtin_error("error(\"boom\")", "boom");
  assert_builtin_error("error([1, 2])", "[1, 2]");
  assert_builtin_error("error(3)", "3");
}

/* ---------------------------------------------------------------- length */

Test(stdlib, len) {
  assert_value("len([1, 2, 3])", "3");
  assert_value("len([])", "0");
  assert_value("len(\"abc\")", "3");
  assert_value("len(\"h\\u{e9}llo\")", "6"); /* bytes */
  assert_value("len({a: 1, b: 2})", "2");
  assert_builtin_error("len(3)", "len: argument 1 must be an array, a string or a record, got number 3");
  assert_builtin_error("len(nil)", "len: argument 1 must be an array, a string or a record, got nil");
  assert_builtin_error("len(len)", "len: argument 1 must be an array, a string or a record, got function");
}

/* ---------------------------------------------------------------- arrays */

Test(stdlib, range) {
  assert_value("range(3)", "[0, 1, 2]");
  assert_value("range(0)", "[]");
  assert_value("range(2, 5)", "[2, 3, 4]");
  assert_value("range(-2, 1)", "[-2, -1, 0]");
  assert_value("range(5, 2)", "[]");
  assert_builtin_error("range(-1)", "range: argument 1 must be between 0 and 1000000000, got -1");
  assert_builtin_error("range(1.5)", "range: argument 1 must be a whole number, got number 1.5");
  assert_builtin_error("range(\"a\")", "range: argument 1 must be a number, got string \"a\"");
  assert_builtin_error("range(2e9)", "range: argument 1 must be between 0 and 1000000000, got 2000000000");
  assert_builtin_error("range(0, 0.5)", "range: argument 2 must be a whole number, got number 0.5");
}

Test(stdlib, sum_prod_cumsum) {
  assert_value("sum([1, 2, 3.5])", "6.5");
  assert_value("sum([])", "0");
  assert_value("prod([2, 3, 4])", "24");
  assert_value("prod([])", "1");
  assert_value("cumsum([1, 2, 3])", "[1, 3, 6]");
  assert_value("cumsum([])", "[]");
  assert_builtin_error("sum(1)", "sum: argument 1 must be an array, got number 1");
  assert_builtin_error("sum([1, \"a\"])", "sum: element 1 of the array must be a number, got string \"a\"");
  assert_builtin_error("prod([nil])", "prod: element 0 of the array must be a number, got nil");
  assert_builtin_error("cumsum(\"a\")", "cumsum: argument 1 must be an array, got string \"a\"");
  assert_builtin_error("cumsum([1, [2]])", "cumsum: element 1 of the array must be a number, got array of length 1");
}

Test(stdlib, mean_variance_sd) {
  assert_value("mean([1, 2, 3, 4])", "2.5");
  assert_value("mean([5])", "5");
  assert_value("variance([1, 2, 3, 4])", "1.6666666666666667");
  assert_value("sd([2, 4, 4, 4, 5, 5, 7, 9])", "2.138089935299395");
  assert_value("variance([3, 3])", "0");
  assert_builtin_error("mean(1)", "mean: argument 1 must be an array of numbers or a distribution, got number 1");
  assert_builtin_error("variance([1])", "variance: needs at least 2 numbers, got 1");
  assert_builtin_error("sd([])", "sd: needs at least 2 numbers, got 0");
  assert_builtin_error("mean([1, \"a\"])", "mean: element 1 of the array must be a number, got string \"a\"");
  assert_error("mean([])", "mean: needs at least 1 number");
}

/* mean, variance and sd of a distribution come from its class */
static Value sd_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return val_num(d->p[0]);
}

static Value sd_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return val_num(d->p[1]);
}

static const DistClass with_moments = {.name = "moments", .kind = DIST_CONTINUOUS, .mean = sd_mean,
                                       .variance = sd_variance};
static const DistClass without_moments = {.name = "nomoments", .kind = DIST_CONTINUOUS};

static Value b_moments(VM *vm, int argc, const Value *args) {
  (void)vm;
  (void)argc;
  ObjDist *d = dist_new(vm, &with_moments);
  d->p[0] = val_as_num(args[0]);
  d->p[1] = val_as_num(args[1]);
  return val_obj(d);
}

static Value b_nomoments(VM *vm, int argc, const Value *args) {
  (void)vm;
  (void)argc;
  (void)args;
  return val_obj(dist_new(vm, &without_moments));
}

static VM *moments_vm(void) {
  VM *vm = driver_new_vm(1);
  vm_def_builtin(vm, "moments", b_moments, 2, 2);
  vm_def_builtin(vm, "nomoments", b_nomoments, 0, 0);
  return vm;
}

Test(stdlib, moments_of_a_distribution) {
  char *msgs;
  Value v = run_on(moments_vm(), "let d = moments(3, 16); [mean(d), variance(d), sd(d)]", &msgs);
  cr_assert_neq(v, VAL_UNDEF, "%s", msgs);
  char *t = show(v);
  cr_assert_str_eq(t, "[3, 16, 4]");
  free(t);
  free(msgs);
  v = run_on(moments_vm(), "mean(nomoments())", &msgs);
  cr_assert_eq(v, VAL_UNDEF);
  cr_assert(strstr(msgs, "test.ppl:1:1: error: mean: not defined for nomoments\n"), "%s", msgs);
  free(msgs);
  v = run_on(moments_vm(), "sd(nomoments())", &msgs);
  cr_assert_eq(v, VAL_UNDEF);
  cr_assert(strstr(msgs, "test.ppl:1:1: error: sd: not defined for nomoments\n"), "%s", msgs);
  free(msgs);
}

Test(stdlib, min_and_max) {
  assert_value("min(3, 1, 2)", "1");
  assert_value("min([3, 1, 2])", "1");
  assert_value("max(3, 1, 2)", "3");
  assert_value("max([3, 1, 2])", "3");
  assert_value("max([-inf])", "-inf");
  assert_value("min(2, -0.5)", "-0.5");
  assert_value("max([1, nan, 3])", "nan");
  assert_value("min(nan, 1)", "nan");
  assert_builtin_error("min([])", "min: the array is empty");
  assert_builtin_error("max([])", "max: the array is empty");
  assert_builtin_error("min(1, \"a\")", "min: argument 2 must be a number, got string \"a\"");
  assert_builtin_error("min([\"a\"])", "min: element 0 of the array must be a number, got string \"a\"");
  assert_builtin_error("max(5)", "max: argument 1 must be an array or several numbers, got number 5");
}

Test(stdlib, argmin_and_argmax) {
  assert_value("argmin([3, 1, 2, 1])", "1");
  assert_value("argmax([3, 1, 3, 2])", "0");
  assert_value("argmax([1])", "0");
  assert_builtin_error("argmin([])", "argmin: the array is empty");
  assert_builtin_error("argmax([\"a\"])", "argmax: element 0 of the array must be a number, got string \"a\"");
  assert_builtin_error("argmin(3)", "argmin: argument 1 must be an array, got number 3");
}

Test(stdlib, zip) {
  assert_value("zip([1, 2, 3], [\"a\", \"b\"])", "[[1, \"a\"], [2, \"b\"]]");
  assert_value("zip([1], [2], [3])", "[[1, 2, 3]]");
  assert_value("zip([], [1])", "[]");
  assert_builtin_error("zip([1], 2)", "zip: argument 2 must be an array, got number 2");
  assert_builtin_error("zip([1])", "zip expects at least 2 arguments, got 1");
}

Test(stdlib, concat_and_append) {
  assert_value("concat([1], [2, 3], [])", "[1, 2, 3]");
  assert_value("concat([1])", "[1]");
  assert_value("concat(\"a\", \"b\", \"c\")", "\"abc\"");
  assert_value("append([1, 2], 3)", "[1, 2, 3]");
  assert_value("append([], [1])", "[[1]]");
  assert_value("let xs = [1]; let ys = append(xs, 2); [xs, ys]", "[[1], [1, 2]]");
  assert_builtin_error("concat(\"a\", [1])", "concat: argument 2 must be a string, got array of length 1");
  assert_builtin_error("concat([1], \"a\")", "concat: argument 2 must be an array, got string \"a\"");
  assert_builtin_error("concat(1)", "concat: argument 1 must be an array, got number 1");
  assert_builtin_error("append(1, 2)", "append: argument 1 must be an array, got number 1");
}

Test(stdlib, set_on_arrays) {
  assert_value("set([1, 2, 3], 1, \"x\")", "[1, \"x\", 3]");
  assert_value("let xs = [1, 2]; let ys = set(xs, 0, 9); [xs, ys]", "[[1, 2], [9, 2]]");
  assert_builtin_error("set([1, 2, 3], 3, \"x\")", "set: argument 2 must be between 0 and 2, got 3");
  assert_builtin_error("set([], 0, 1)", "set: the array is empty");
  assert_builtin_error("set([1], 0.5, 1)", "set: argument 2 must be a whole number, got number 0.5");
  assert_builtin_error("set(1, 0, 2)", "set: argument 1 must be an array, got number 1");
}

Test(stdlib, set_on_records) {
  assert_value("set({a: 1}, \"a\", 2)", "{a: 2}");
  assert_value("set({a: 1}, \"b\", 2)", "{a: 1, b: 2}");
  assert_value("let r = {a: 1}; let s = set(r, \"a\", 5); [r, s]", "[{a: 1}, {a: 5}]");
  assert_value("set({a: 1}, \"b\", 2).b", "2");
  assert_builtin_error("set({a: 1}, 1, 2)", "set: argument 2 must be a string, got number 1");
}

Test(stdlib, slice) {
  assert_value("slice([1, 2, 3, 4], 1, 3)", "[2, 3]");
  assert_value("slice([1, 2, 3, 4], 2)", "[3, 4]");
  assert_value("slice([1, 2], 2)", "[]");
  assert_value("slice([1, 2], 0, 0)", "[]");
  assert_value("slice(\"hello\", 1, 3)", "\"el\"");
  assert_value("slice(\"hello\", 3)", "\"lo\"");
  assert_builtin_error("slice([1, 2], 2, 1)", "slice: end 1 is before start 2");
  assert_builtin_error("slice([1, 2], 3)", "slice: argument 2 must be between 0 and 2, got 3");
  assert_builtin_error("slice([1, 2], 0, 3)", "slice: argument 3 must be between 0 and 2, got 3");
  assert_builtin_error("slice(1, 0)", "slice: argument 1 must be an array or a string, got number 1");
}

Test(stdlib, reverse) {
  assert_value("reverse([1, 2, 3])", "[3, 2, 1]");
  assert_value("reverse([])", "[]");
  assert_value("reverse(\"abc\")", "\"cba\"");
  assert_value("reverse(\"\")", "\"\"");
  assert_value("reverse(\"ab\") == \"ba\"", "true");
  assert_builtin_error("reverse(1)", "reverse: argument 1 must be an array, got number 1");
}

Test(stdlib, sort_and_argsort) {
  assert_value("sort([3, 1, 2])", "[1, 2, 3]");
  assert_value("sort([\"b\", \"a\", \"c\"])", "[\"a\", \"b\", \"c\"]");
  assert_value("sort([3, nan, 1, -inf])", "[-inf, 1, 3, nan]");
  assert_value("sort([])", "[]");
  assert_value("let xs = [2, 1]; let ys = sort(xs); [xs, ys]", "[[2, 1], [1, 2]]");
  assert_value("argsort([3, 1, 2, 1])", "[1, 3, 2, 0]"); /* stable */
  assert_value("argsort([\"b\", \"a\"])", "[1, 0]");
  assert_builtin_error("sort([1, \"a\"])", "sort: cannot sort a mix of number and string");
  assert_builtin_error("sort([[1]])", "sort: can only sort numbers or strings, got array");
  assert_builtin_error("argsort([\"a\", 1])", "argsort: cannot sort a mix of string and number");
  assert_builtin_error("sort(1)", "sort: argument 1 must be an array, got number 1");
}

/* Regression (fixed): sort compares strings with strcmp, which stops at a NUL byte, so
 * strings that differ after a "\0" keep their input order. */
Test(stdlib, sort_looks_past_nul_bytes) {
  assert_value("sort([\"a\\0c\", \"a\\0b\"])", "[\"a\\u{0}b\", \"a\\u{0}c\"]");
}

Test(stdlib, contains_and_index_of) {
  assert_value("contains([1, 2, [3]], [3])", "true");
  assert_value("contains([1, 2], 3)", "false");
  assert_value("contains([{a: 1}], {a: 1})", "true");
  assert_value("contains(\"hello\", \"ell\")", "true");
  assert_value("contains(\"hello\", \"\")", "true");
  assert_value("contains(\"hello\", \"xyz\")", "false");
  assert_value("contains([nan], nan)", "false");
  assert_value("index_of([1, 2, 3], 2)", "1");
  assert_value("index_of([1, 2, 3], 5)", "-1");
  assert_value("index_of([[1, 2]], [1, 2])", "0");
  assert_builtin_error("contains(\"hello\", 1)", "contains: argument 2 must be a string, got number 1");
  assert_builtin_error("contains(1, 1)", "contains: argument 1 must be an array, got number 1");
  assert_builtin_error("index_of(\"abc\", \"b\")", "index_of: argument 1 must be an array, got string \"abc\"");
}

/* Regression (fixed): contains on strings uses strstr, which stops at a NUL byte. */
Test(stdlib, contains_looks_past_nul_bytes) {
  assert_value("contains(\"a\\0b\", \"b\")", "true");
}

Test(stdlib, fill_flatten_linspace) {
  assert_value("fill(3, 0)", "[0, 0, 0]");
  assert_value("fill(0, 1)", "[]");
  assert_value("fill(2, [1])", "[[1], [1]]");
  assert_value("flatten([[1], [2, 3], []])", "[1, 2, 3]");
  assert_value("flatten([])", "[]");
  assert_value("flatten([[[1]]])", "[[1]]");
  assert_value("linspace(0, 1, 5)", "[0, 0.25, 0.5, 0.75, 1]");
  assert_value("linspace(1, -1, 3)", "[1, 0, -1]");
  assert_builtin_error("fill(-1, 0)", "fill: argument 1 must be between 0 and 1000000000, got -1");
  assert_builtin_error("fill(1.5, 0)", "fill: argument 1 must be a whole number, got number 1.5");
  assert_builtin_error("flatten([1, [2]])", "flatten: element 0 is a number, not an array");
  assert_builtin_error("flatten(1)", "flatten: argument 1 must be an array, got number 1");
  assert_builtin_error("linspace(0, 1, 1)", "linspace: argument 3 must be between 2 and 100000000, got 1");
  assert_builtin_error("linspace(\"a\", 1, 3)", "linspace: argument 1 must be a number, got string \"a\"");
}

/* --------------------------------------------------------------- records */

Test(stdlib, keys_values_has_get) {
  assert_value("keys({a: 1, b: 2})", "[\"a\", \"b\"]");
  assert_value("keys({})", "[]");
  assert_value("values({a: 1, b: \"x\"})", "[1, \"x\"]");
  assert_value("has({a: 1}, \"a\")", "true");
  assert_value("has({a: 1}, \"b\")", "false");
  assert_value("has({a: 1}, \"a\" + \"\")", "true");
  assert_value("get({a: 1}, \"a\", 0)", "1");
  assert_value("get({a: 1}, \"b\", 0)", "0");
  assert_builtin_error("keys([1])", "keys: argument 1 must be a record, got array of length 1");
  assert_builtin_error("values(1)", "values: argument 1 must be a record, got number 1");
  assert_builtin_error("has([1], \"a\")", "has: argument 1 must be a record, got array of length 1");
  assert_builtin_error("has({a: 1}, 1)", "has: argument 2 must be a string, got number 1");
  assert_builtin_error("get(1, \"b\", 0)", "get: argument 1 must be a record, got number 1");
  assert_builtin_error("get({a: 1}, nil, 0)", "get: argument 2 must be a string, got nil");
}

Test(stdlib, merge) {
  assert_value("merge({a: 1, b: 2}, {b: 3, c: 4})", "{a: 1, b: 3, c: 4}");
  assert_value("merge({a: 1}, {})", "{a: 1}");
  assert_value("merge({}, {z: 0})", "{z: 0}");
  assert_value("merge({a: 1, b: 2}, {b: 3}).b", "3");
  assert_builtin_error("merge({a: 1}, 1)", "merge: argument 2 must be a record, got number 1");
  assert_builtin_error("merge(1, {a: 1})", "merge: argument 1 must be a record, got number 1");
}

Test(stdlib, record_from_arrays) {
  assert_value("record([\"a\", \"b\"], [1, 2])", "{a: 1, b: 2}");
  assert_value("record([], [])", "{}");
  assert_value("record([\"x y\"], [1])", "{\"x y\": 1}");
  assert_value("record([\"a\"], [5]).a", "5");
  assert_value("record([\"a\", \"b\"], [1, 2]) == {b: 2, a: 1}", "true");
  assert_builtin_error("record([\"a\"], [1, 2])", "record: 1 keys but 2 values");
  assert_builtin_error("record([1], [1])", "record: key 0 is a number, not a string");
  assert_builtin_error("record([\"a\", \"a\"], [1, 2])", "record: key \"a\" appears twice");
  assert_builtin_error("record(\"a\", [1])", "record: argument 1 must be an array, got string \"a\"");
}

/* --------------------------------------------------------------- strings */

Test(stdlib, split) {
  assert_value("split(\"a,b,,c\", \",\")", "[\"a\", \"b\", \"\", \"c\"]");
  assert_value("split(\"a--b--c\", \"--\")", "[\"a\", \"b\", \"c\"]");
  assert_value("split(\"\", \",\")", "[\"\"]");
  assert_value("split(\",\", \",\")", "[\"\", \"\"]");
  assert_value("split(\"  a b\\tc\\n\")", "[\"a\", \"b\", \"c\"]");
  assert_value("split(\"   \")", "[]");
  assert_builtin_error("split(\"abc\", \"\")", "split: the separator is empty");
  assert_builtin_error("split(1)", "split: argument 1 must be a string, got number 1");
  assert_builtin_error("split(\"a\", 1)", "split: argument 2 must be a string, got number 1");
}

/* Regression (fixed): split finds separators with strstr, which stops at a NUL byte. */
Test(stdlib, split_looks_past_nul_bytes) {
  assert_value("len(split(\"a\\0b,c\", \",\"))", "2");
}

Test(stdlib, join) {
  assert_value("join([1, \"a\", true], \", \")", "\"1, a, true\"");
  assert_value("join([\"a\", \"b\"])", "\"ab\"");
  assert_value("join([], \"-\")", "\"\"");
  assert_value("join([[1, \"a\"]], \";\")", "\"[1, \\\"a\\\"]\"");
  assert_builtin_error("join(1)", "join: argument 1 must be an array, got number 1");
  assert_builtin_error("join([1], 2)", "join: argument 2 must be a string, got number 2");
}

Test(stdlib, trim_starts_with_upper_lower) {
  assert_value("trim(\"  a b \\t\\n\")", "\"a b\"");
  assert_value("trim(\"   \")", "\"\"");
  assert_value("starts_with(\"hello\", \"he\")", "true");
  assert_value("starts_with(\"he\", \"hello\")", "false");
  assert_value("starts_with(\"abc\", \"\")", "true");
  assert_value("upper(\"aBc1\")", "\"ABC1\"");
  assert_value("lower(\"AbC1\")", "\"abc1\"");
  assert_value("upper(\"\\u{e9}\") == \"\\u{e9}\"", "true"); /* ASCII only */
  assert_builtin_error("trim(1)", "trim: argument 1 must be a string, got number 1");
  assert_builtin_error("starts_with(1, \"a\")", "starts_with: argument 1 must be a string, got number 1");
  assert_builtin_error("starts_with(\"a\", 1)", "starts_with: argument 2 must be a string, got number 1");
  assert_builtin_error("upper(1)", "upper: argument 1 must be a string, got number 1");
  assert_builtin_error("lower([])", "lower: argument 1 must be a string, got array of length 0");
}

Test(stdlib, num) {
  assert_value("num(\"3.5\")", "3.5");
  assert_value("num(\" 2 \")", "2");
  assert_value("num(\"1e3\")", "1000");
  assert_value("num(\"-0.25\")", "-0.25");
  assert_value("num(true)", "1");
  assert_value("num(false)", "0");
  assert_value("num(4)", "4");
  assert_builtin_error("num(\"abc\")", "num: \"abc\" is not a number");
  assert_builtin_error("num(\"\")", "num: \"\" is not a number");
  assert_builtin_error("num(\"3.5x\")", "num: \"3.5x\" is not a number");
  assert_builtin_error("num([1])", "num: argument 1 must be a string, got array of length 1");
  assert_builtin_error("num(nil)", "num: argument 1 must be a string, got nil");
}

/* ------------------------------------------------------------------ math */

Test(stdlib, exponentials_and_logs) {
  assert_value("exp(0)", "1");
  assert_value("log(1)", "0");
  assert_value("log(0)", "-inf");
  assert_value("log(-1)", "nan");
  assert_value("abs(exp(log(5)) - 5) < 1e-14", "true");
  assert_value("log1p(0)", "0");
  assert_value("expm1(0)", "0");
  assert_value("log1p(1e-20)", "1e-20");
  assert_value("expm1(1e-20)", "1e-20");
  assert_value("log2(8)", "3");
  assert_value("log10(1000)", "3");
  assert_value("sqrt(16)", "4");
  assert_value("sqrt(2)", "1.4142135623730951");
  assert_value("abs(cbrt(27) - 3) < 1e-15", "true"); /* libm's cbrt may be 1 ulp off */
  assert_value("pow(2, 10)", "1024");
  assert_value("pow(2, 0.5) == sqrt(2)", "true");
}

Test(stdlib, rounding) {
  assert_value("[abs(-3), abs(2.5)]", "[3, 2.5]");
  assert_value("[floor(-2.5), ceil(-2.5), round(2.5), round(-2.5), trunc(-2.7)]", "[-3, -2, 3, -3, -2]");
  assert_value("[sign(-2), sign(3), sign(0)]", "[-1, 1, 0]");
}

Test(stdlib, trigonometry) {
  assert_value("[sin(0), cos(0), tan(0)]", "[0, 1, 0]");
  assert_value("[asin(1) * 2 == pi, acos(1), atan(0)]", "[true, 0, 0]");
  assert_value("atan2(1, 1) * 4 == pi", "true");
  assert_value("atan2(0, -1) == pi", "true");
  assert_value("[sinh(0), cosh(0), tanh(0)]", "[0, 1, 0]");
}

Test(stdlib, special_functions) {
  assert_value("[erf(0), erfc(0)]", "[0, 1]");
  assert_value("round(exp(lgamma(6)))", "120");
  assert_value("lgamma(1)", "0");
  assert_value("abs(lgamma(0.5) - log(sqrt(pi))) < 1e-15", "true");
  assert_value("abs(digamma(1) + 0.5772156649015329) < 1e-15", "true");
  assert_value("digamma(0)", "nan");
  assert_value("abs(lbeta(2, 3) - log(1 / 12)) < 1e-15", "true");
  assert_value("round(exp(lchoose(5, 2)))", "10");
  assert_value("[lchoose(5, 6), lchoose(5, -1)]", "[-inf, -inf]");
  assert_value("lchoose(5, 0)", "0");
}

Test(stdlib, logit_and_inv_logit) {
  assert_value("logit(0.5)", "0");
  assert_value("inv_logit(0)", "0.5");
  assert_value("[inv_logit(-1000), inv_logit(1000)]", "[0, 1]");
  assert_value("abs(inv_logit(logit(0.25)) - 0.25) < 1e-15", "true");
  assert_value("[logit(0), logit(1)]", "[-inf, inf]");
}

Test(stdlib, logsumexp) {
  assert_value("logsumexp([0, 0]) == log(2)", "true");
  assert_value("logsumexp([1000, 1000]) == 1000 + log(2)", "true");
  assert_value("logsumexp([-inf, -inf])", "-inf");
  assert_value("logsumexp([])", "-inf");
  assert_value("logsumexp([inf, 0])", "inf");
  assert_value("logsumexp([5])", "5");
  assert_builtin_error("logsumexp([1, \"a\"])", "logsumexp: element 1 is a string, not a number");
  assert_builtin_error("logsumexp(1)", "logsumexp: argument 1 must be an array, got number 1");
}

Test(stdlib, is_nan_is_finite_and_constants) {
  assert_value("[is_nan(nan), is_nan(1), is_nan(inf)]", "[true, false, false]");
  assert_value("[is_finite(1), is_finite(inf), is_finite(-inf), is_finite(nan)]", "[true, false, false, false]");
  assert_value("pi", "3.141592653589793");
  assert_value("[inf, -inf]", "[inf, -inf]");
  assert_value("nan", "nan");
}

Test(stdlib, math_type_errors) {
  const char *unary[] = {"exp",  "log",   "log1p", "expm1", "log2", "log10",  "sqrt",    "cbrt", "abs",
                         "floor", "ceil", "round", "trunc", "sin",  "cos",    "tan",     "asin", "acos",
                         "atan", "sinh",  "cosh",  "tanh",  "erf",  "erfc",   "lgamma",  "digamma",
                         "sign", "logit", "inv_logit", "is_nan", "is_finite"};
  for (size_t i = 0; i < sizeof unary / sizeof *unary; i++) {
    char prog[64], want[160];
    snprintf(prog, sizeof prog, "%s(\"x\")", unary[i]);
    snprintf(want, sizeof want, "test.ppl:1:1: error: %s: argument 1 must be a number, got string \"x\"", unary[i]);
    assert_error_at(prog, want);
  }
  assert_builtin_error("pow(2, nil)", "pow: argument 2 must be a number, got nil");
  assert_builtin_error("atan2([], 1)", "atan2: argument 1 must be a number, got array of length 0");
  assert_builtin_error("lbeta(1, true)", "lbeta: argument 2 must be a number, got boolean true");
  assert_builtin_error("lchoose(\"n\", 1)", "lchoose: argument 1 must be a number, got string \"n\"");
  assert_builtin_error("sqrt(1, 2)", "sqrt expects 1 argument, got 2");
}

/* ---------------------------------------------------------------- read_csv */

Test(stdlib, read_csv_numbers_strings_booleans_and_missing) {
  assert_csv("x,y,name\n1,2.5,\"a, b\"\n3,NA,\"say \"\"hi\"\"\"\n,true,plain\n",
             "[{x: 1, y: 2.5, name: \"a, b\"}, {x: 3, y: nil, name: \"say \\\"hi\\\"\"}, {x: nil, y: true, name: "
             "\"plain\"}]");
}

Test(stdlib, read_csv_quoted_numbers_stay_strings) {
  assert_csv("x\n\"1\"\n-2e3\n", "[{x: \"1\"}, {x: -2000}]");
}

Test(stdlib, read_csv_booleans) {
  assert_csv("a,b,c,d\ntrue,FALSE,TRUE,false\n", "[{a: true, b: false, c: true, d: false}]");
}

Test(stdlib, read_csv_text_that_starts_like_a_number_is_text) {
  assert_csv("id\n12abc\n", "[{id: \"12abc\"}]");
}

Test(stdlib, read_csv_crlf_and_blank_lines) {
  assert_csv("x,y\r\n1,2\r\n\r\n3,4\r\n", "[{x: 1, y: 2}, {x: 3, y: 4}]");
  assert_csv("x\n1\n\n\n2", "[{x: 1}, {x: 2}]");
}

Test(stdlib, read_csv_quoted_field_across_lines) {
  assert_csv("x,y\n\"multi\nline\",2\n", "[{x: \"multi\\nline\", y: 2}]");
}

Test(stdlib, read_csv_header_only) { assert_csv("x,y\n", "[]"); }

Test(stdlib, read_csv_fields_are_accessible) {
  char *path = temp_file("name,age\nada,36\nalan,41\n");
  char prog[512];
  snprintf(prog, sizeof prog, "let rows = read_csv(\"%s\"); [len(rows), rows[1].name, rows[0].age + rows[1].age]", path);
  assert_value(prog, "[2, \"alan\", 77]");
  unlink(path);
  free(path);
}

Test(stdlib, read_csv_ragged_rows_are_errors) {
  assert_csv_error("x,y\n1,2\n3\n", "3: this row has 1 field but the header has 2");
  assert_csv_error("x,y,z\n1,2\n", "2: this row has 2 fields but the header has 3");
  assert_csv_error("x,y\n1,2,3\n", "2: this row has more fields than the header's 2");
  assert_csv_error("x,y\n\"multi\nline\",2\n3,4\n5\n", "5: this row has 1 field but the header has 2");
}

Test(stdlib, read_csv_header_errors) {
  assert_csv_error("x,,z\n1,2,3\n", "1: column 2 of the header has no name");
  assert_csv_error("x,x\n1,2\n", "1: column \"x\" appears twice in the header");
}

Test(stdlib, read_csv_unclosed_quote) {
  char *path = temp_file("x\n\"abc\n");
  char prog[512];
  snprintf(prog, sizeof prog, "read_csv(\"%s\")", path);
  assert_error(prog, "a quoted field is not closed");
  unlink(path);
  free(path);
}

/* Regression (fixed): an unclosed quote is reported at the line after the end of the file
 * (line 3 here) instead of the line where the quote opens (line 2). */
Test(stdlib, read_csv_unclosed_quote_points_at_its_line) {
  assert_csv_error("x\n\"abc\n", "2: a quoted field is not closed");
}

Test(stdlib, read_csv_missing_file) {
  assert_builtin_error("read_csv(\"/nonexistent/nope.csv\")",
                       "read_csv: cannot read '/nonexistent/nope.csv': No such file or directory");
  assert_builtin_error("read_csv(\"/tmp\")", "read_csv: cannot read '/tmp': is a directory");
  assert_builtin_error("read_csv(1)", "read_csv: argument 1 must be a string, got number 1");
}

Test(stdlib, read_csv_relative_paths_start_at_the_program) {
  char dir[] = "/tmp/ppl_test_dir_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char data[256], prog_path[256];
  snprintf(data, sizeof data, "%s/data.csv", dir);
  snprintf(prog_path, sizeof prog_path, "%s/model.ppl", dir);
  FILE *f = fopen(data, "w");
  fputs("v\n42\n", f);
  fclose(f);
  const char *text = "read_csv(\"data.csv\")[0].v";
  VM *vm = driver_new_vm(1);
  Source *src = src_new(prog_path, text, strlen(text));
  ObjFunction *fn = driver_compile(vm, src, stderr, NULL);
  cr_assert_not_null(fn);
  Value v;
  cr_assert(driver_run(vm, fn, &v, stderr));
  cr_assert_eq(v, val_num(42));
  unlink(data);
  rmdir(dir);
}

/* ----------------------------------------------------------------- prelude */

Test(stdlib, map_and_map_indexed) {
  assert_value("map([1, 2, 3], fn(x) { x * 2 })", "[2, 4, 6]");
  assert_value("map([], fn(x) { x })", "[]");
  assert_value("map([\"a\"], len)", "[1]");
  assert_value("map_indexed([\"a\", \"b\"], fn(i, x) { x + str(i) })", "[\"a0\", \"b1\"]");
  assert_value("map_indexed([], fn(i, x) { x })", "[]");
}

Test(stdlib, zip_with) {
  assert_value("zip_with([1, 2, 3], [10, 20], fn(a, b) { a + b })", "[11, 22]");
  assert_value("zip_with([], [1], fn(a, b) { a })", "[]");
}

Test(stdlib, filter_and_count) {
  assert_value("filter([1, 2, 3, 4], fn(x) { x % 2 == 0 })", "[2, 4]");
  assert_value("filter([], fn(x) { true })", "[]");
  assert_value("count([1, 2, 3], fn(x) { x != 2 })", "2");
  assert_value("count([], fn(x) { true })", "0");
}

Test(stdlib, fold_reduce_scan) {
  assert_value("fold([1, 2, 3], 0, fn(acc, x) { acc + x })", "6");
  assert_value("fold([], 5, fn(acc, x) { acc + x })", "5");
  assert_value("fold([\"a\", \"b\"], \"\", fn(acc, x) { acc + x })", "\"ab\"");
  assert_value("fold([1, 2, 3], [], fn(acc, x) { append(acc, x * x) })", "[1, 4, 9]");
  assert_value("reduce([1, 2, 3], fn(a, b) { a * 10 + b })", "123");
  assert_value("reduce([7], fn(a, b) { a + b })", "7");
  assert_value("scan([1, 2, 3], 0, fn(acc, x) { acc + x })", "[1, 3, 6]");
  assert_value("scan([], 0, fn(a, x) { a })", "[]");
}

Test(stdlib, fold_runs_in_constant_stack) {
  assert_value("fold(range(300000), 0, fn(a, x) { a + x })", "44999850000");
}

Test(stdlib, reduce_of_an_empty_array) {
  assert_error("reduce([], fn(a, b) { a })", "error: reduce: the array is empty");
}

Test(stdlib, find_any_all) {
  assert_value("find([1, 2, 3, 4], fn(x) { x > 2 })", "3");
  assert_value("find([1, 2], fn(x) { x > 5 })", "nil");
  assert_value("find_index([1, 2, 3], fn(x) { x == 2 })", "1");
  assert_value("find_index([1, 2, 3], fn(x) { x == 9 })", "-1");
  assert_value("any([1, 2], fn(x) { x > 1 })", "true");
  assert_value("any([1, 2], fn(x) { x > 2 })", "false");
  assert_value("any([], fn(x) { true })", "false");
  assert_value("all([1, 2], fn(x) { x > 0 })", "true");
  assert_value("all([1, 2], fn(x) { x > 1 })", "false");
  assert_value("all([], fn(x) { false })", "true");
}

Test(stdlib, find_stops_at_the_first_match) {
  /* the predicate would fail on the later element */
  assert_value("find([1, \"a\"], fn(x) { x == 1 || x > 0 })", "1");
  assert_value("any([2, nil], fn(x) { x > 1 })", "true");
}

Test(stdlib, sort_by) {
  assert_value("sort_by([{n: \"b\", k: 2}, {n: \"a\", k: 1}, {n: \"c\", k: 1}], fn(r) { r.k })",
               "[{n: \"a\", k: 1}, {n: \"c\", k: 1}, {n: \"b\", k: 2}]");
  assert_value("sort_by([\"bb\", \"a\", \"ccc\"], len)", "[\"a\", \"bb\", \"ccc\"]");
  assert_value("sort_by([3, 1, 2], fn(x) { -x })", "[3, 2, 1]");
  assert_value("sort_by([], fn(x) { x })", "[]");
}

Test(stdlib, flat_map_and_repeat) {
  assert_value("flat_map([1, 2], fn(x) { [x, x] })", "[1, 1, 2, 2]");
  assert_value("flat_map([1, 2], fn(x) { [] })", "[]");
  assert_value("repeat(3, fn() { \"x\" })", "[\"x\", \"x\", \"x\"]");
  assert_value("repeat(0, fn() { \"x\" })", "[]");
}

Test(stdlib, prelude_callbacks_need_booleans) {
  assert_error("filter([1, 2], fn(x) { 1 })", "error: a condition must be a boolean, got number 1");
  assert_error("any([1, 2], fn(x) { 1 })", "error: a condition must be a boolean, got number 1");
  assert_error("all([1], fn(x) { 1 })", "error: the operand of ! must be a boolean, got number 1");
}

Test(stdlib, prelude_callback_errors_are_traced_to_the_caller) {
  char *msgs;
  Value v = run_source("let xs = map([1, 2], fn(x) { x[0] });", &msgs);
  cr_assert_eq(v, VAL_UNDEF);
  cr_assert(strstr(msgs, "test.ppl:1:30: error: cannot index number 1\n"), "%s", msgs);
  cr_assert(strstr(msgs, "  in <anonymous> (test.ppl:1:30)\n"), "%s", msgs);
  cr_assert(strstr(msgs, "  called from map (standard library)\n"), "%s", msgs);
  cr_assert(strstr(msgs, "  called from <main> (test.ppl:1:10)\n"), "%s", msgs);
  free(msgs);
}

Test(stdlib, prelude_callback_arity) {
  assert_error("map([1], fn(a, b) { a })", "error: anonymous function expects 2 arguments, got 1");
  assert_error("repeat(2, 1)", "error: repeat: argument 2 must be a function, got number 1");
}

/* The prelude checks its own arguments, so a wrong one names the function
 * the user called, not its implementation. */
Test(stdlib, prelude_type_errors_name_the_function_called) {
  assert_error("map(1, fn(x) { x })", "map: argument 1 must be an array, got number 1");
  assert_error("reduce(1, fn(a, b) { a })", "reduce: argument 1 must be an array, got number 1");
  assert_error("zip_with([1], 2, fn(a, b) { a })", "zip_with: argument 2 must be an array, got number 2");
  assert_error("count(1, fn(x) { true })", "count: argument 1 must be an array, got number 1");
}

