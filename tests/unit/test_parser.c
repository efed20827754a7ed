/* Unit tests of the grammar (parser/grammar.y): the trees it builds, seen
 * through ast_dump, and its syntax errors. */
#include "helpers.h"

TestSuite(parser);

/* The hint of the first diagnostic of text ("" when it has none). */
static const char *first_hint(const char *text) {
  Parsed *p = parse_text(text);
  cr_assert_geq(p->diags.count, 1, "%s: no diagnostic", text);
  return p->diags.items[0].hint ? p->diags.items[0].hint : "";
}

/* ------------------------------------------------------------ precedence */

Test(parser, multiplication_binds_tighter_than_addition) {
  assert_ast("1 + 2 * 3", "(block => (+ 1 (* 2 3)))");
  assert_ast("2 * 3 + 4 * 5", "(block => (+ (* 2 3) (* 4 5)))");
  assert_ast("(1 + 2) * 3", "(block => (* (+ 1 2) 3))");
  assert_ast("7 % 3 * 2", "(block => (* (% 7 3) 2))");
}

Test(parser, arithmetic_is_left_associative) {
  assert_ast("1 - 2 - 3", "(block => (- (- 1 2) 3))");
  assert_ast("8 / 4 / 2", "(block => (/ (/ 8 4) 2))");
  assert_ast("1 + 2 - 3 + 4", "(block => (+ (- (+ 1 2) 3) 4))");
}

Test(parser, unary_operators_bind_tightest) {
  assert_ast("-2 * 3", "(block => (* (- 2) 3))");
  assert_ast("!a && b", "(block => (&& (! a) b))");
  assert_ast("!!a", "(block => (! (! a)))");
  assert_ast("- -x", "(block => (- (- x)))");
}

Test(parser, postfix_binds_tighter_than_unary) {
  assert_ast("-x.y", "(block => (- (field x y)))");
  assert_ast("-f(1)[2]", "(block => (- (index (call f 1) 2)))");
  assert_ast("!ok(x)", "(block => (! (call ok x)))");
}

Test(parser, postfix_chains_left_to_right) {
  assert_ast("a.b.c(1)(2)", "(block => (call (call (field (field a b) c) 1) 2))");
  assert_ast("xs[0][1].z", "(block => (field (index (index xs 0) 1) z))");
}

Test(parser, comparison_below_arithmetic) {
  assert_ast("a + 1 < b * 2", "(block => (< (+ a 1) (* b 2)))");
  assert_ast("a < b == c", "(block => (== (< a b) c))");
  assert_ast("a == b && c != d", "(block => (&& (== a b) (!= c d)))");
}

Test(parser, and_binds_tighter_than_or) {
  assert_ast("a || b && c", "(block => (|| a (&& b c)))");
  assert_ast("a && b || c && d", "(block => (|| (&& a b) (&& c d)))");
  assert_ast("a || b || c", "(block => (|| (|| a b) c))");
}

Test(parser, range_is_lowest) {
  assert_ast("1 + 2 .. 3 * 4", "(block => (.. (+ 1 2) (* 3 4)))");
  assert_ast("0..n", "(block => (.. 0 n))");
}

Test(parser, comparisons_do_not_chain) {
  assert_diags("a < b < c", "1:7-1:7: expected ';', found '<'\n");
  cr_assert_str_eq(first_hint("a < b < c"), "comparisons do not chain: write a < b && b < c");
  assert_diags("a == b == c", "1:8-1:9: expected ';', found '=='\n");
  cr_assert_str_eq(first_hint("a == b == c"), "comparisons do not chain: write a < b && b < c");
}

Test(parser, ranges_do_not_chain) {
  Parsed *p = parse_text("a..b..c");
  cr_assert_eq(p->diags.count, 1);
  cr_assert_eq(p->diags.items[0].span.col, 5);
}

/* ---------------------------------------------------------------- blocks */

Test(parser, program_statements_and_tail) {
  assert_ast("", "(block)");
  assert_ast("let x = 1;", "(block (let x 1))");
  assert_ast("let x = 1; x", "(block (let x 1) => x)");
  assert_ast("f(1); g(2)", "(block (expr (call f 1)) => (call g 2))");
  assert_ast("f(1); g(2);", "(block (expr (call f 1)) (expr (call g 2)))");
}

Test(parser, empty_statements) {
  assert_ast(";", "(block (empty))");
  assert_ast("let x = 1;;", "(block (let x 1) (empty))");
}

Test(parser, block_with_tail_expression) {
  assert_ast("let b = { let a = 1; a + 1 };", "(block (let b (block (let a 1) => (+ a 1))))");
  assert_ast("let b = { 1 };", "(block (let b (block => 1)))");
  assert_ast("let b = { f(); };", "(block (let b (block (expr (call f)))))");
}

Test(parser, block_statement_needs_no_semicolon) {
  assert_ast("{ f() } g()", "(block (expr (block => (call f))) => (call g))");
}

Test(parser, last_block_like_statement_is_the_tail) {
  /* a block's value is its last if/for/block when no ';' follows it */
  assert_ast("if a { 1 } else { 2 }", "(block => (if a (block => 1) (block => 2)))");
  assert_ast("f(); for i in xs { i }", "(block (expr (call f)) => (for i xs _ (block => i)))");
  assert_ast("{ 1 }", "(block => (block => 1))");
  assert_ast("fn f() { if a { 1 } }", "(block (fn f () (block => (if a (block => 1) _))))");
}

Test(parser, nested_blocks) {
  assert_ast("{ { 1 } }", "(block => (block => (block => 1)))");
  assert_ast("let x = { let y = { 2 }; y };", "(block (let x (block (let y (block => 2)) => y)))");
}

/* ------------------------------------------------------------------- if */

Test(parser, if_without_else) {
  assert_ast("if a { 1 }", "(block => (if a (block => 1) _))");
}

Test(parser, if_else_if_chain) {
  assert_ast("if a { 1 } else if b { 2 } else { 3 }",
             "(block => (if a (block => 1) (if b (block => 2) (block => 3))))");
  assert_ast("if a { 1 } else if b { 2 } else if c { 3 }",
             "(block => (if a (block => 1) (if b (block => 2) (if c (block => 3) _))))");
}

Test(parser, if_as_an_expression) {
  assert_ast("let y = if a { 1 } else { 2 };", "(block (let y (if a (block => 1) (block => 2))))");
  assert_ast("let y = 1 + if a { 1 } else { 2 };", "(block (let y (+ 1 (if a (block => 1) (block => 2)))))");
}

Test(parser, if_condition_is_a_full_expression) {
  assert_ast("if a < 1 && b { 1 }", "(block => (if (&& (< a 1) b) (block => 1) _))");
}

Test(parser, else_needs_a_block_or_if) {
  assert_diags("if x == 1 { 1 } else 2", "1:22-1:22: expected 'if' or '{', found number 2\n");
}

Test(parser, dangling_else) {
  assert_diags("if true { 1 } else { 2 } else { 3 }", "1:26-1:29: expected an expression, found 'else'\n");
  cr_assert_str_eq(first_hint("if true { 1 } else { 2 } else { 3 }"), "'else' must come right after the '}' of an if");
}

/* ------------------------------------------------------------------ for */

Test(parser, for_loops) {
  assert_ast("for i in 0..3 { i }", "(block => (for i (.. 0 3) _ (block => i)))");
  assert_ast("for x in xs { f(x); }", "(block => (for x xs _ (block (expr (call f x)))))");
}

Test(parser, for_with_guard) {
  assert_ast("for i in 0..3 if i > 0 { i }", "(block => (for i (.. 0 3) (> i 0) (block => i)))");
  assert_ast("for x in xs if ok(x) && x != 0 { x }", "(block => (for x xs (&& (call ok x) (!= x 0)) (block => x)))");
}

Test(parser, nested_for) {
  assert_ast("for i in 0..2 { for j in 0..i { [i, j] } }",
             "(block => (for i (.. 0 2) _ (block => (for j (.. 0 i) _ (block => (array i j))))))");
}

Test(parser, for_needs_in) {
  assert_diags("for i 0..3 { i }", "1:7-1:7: expected 'in', found number 0\n");
}

/* ------------------------------------------------------------- functions */

Test(parser, function_declarations) {
  assert_ast("fn f() { 1 }", "(block (fn f () (block => 1)))");
  assert_ast("fn add(a, b) { a + b }", "(block (fn add (a b) (block => (+ a b))))");
  assert_ast("fn f() {} f", "(block (fn f () (block)) => f)");
}

Test(parser, lambdas) {
  assert_ast("let f = fn(x, y) { x + y };", "(block (let f (fn _ (x y) (block => (+ x y)))))");
  assert_ast("fn(x) { x }(3)", "(block => (call (fn _ (x) (block => x)) 3))");
  assert_ast("map(xs, fn(x) { x * 2 })", "(block => (call map xs (fn _ (x) (block => (* x 2)))))");
  assert_ast("fn() { fn() { 1 } }", "(block => (fn _ () (block => (fn _ () (block => 1)))))");
}

Test(parser, lambda_needs_parentheses) {
  Parsed *p = parse_text("let a = fn { 1 };");
  cr_assert_eq(p->diags.count, 1);
  cr_assert_eq(p->diags.items[0].span.col, 12);
}

/* Regression (fixed): the syntax error list leaves out '(' and '[' as "operators", so
 * `fn { 1 }` says only "unexpected '{'" and `let = 1;` forgets '['. */
Test(parser, expected_lists_keep_brackets_that_start_a_construct) {
  assert_diags("let a = fn { 1 };", "1:12-1:12: expected '(', found '{'\n");
  assert_diags("let = 1;", "1:5-1:5: expected a name, '[' or '{', found '='\n");
}

Test(parser, function_body_must_be_a_block) {
  assert_diags("fn f(x) x", "1:9-1:9: expected '{', found name 'x'\n");
}

/* ------------------------------------------------------ records, arrays */

Test(parser, arrays) {
  assert_ast("[]", "(block => (array))");
  assert_ast("[1, [2, 3], \"a\"]", "(block => (array 1 (array 2 3) \"a\"))");
}

Test(parser, records_in_expression_position) {
  assert_ast("let r = {};", "(block (let r (record)))");
  assert_ast("let r = {a: 1, b: x + 1};", "(block (let r (record a:1 b:(+ x 1))))");
  assert_ast("let r = {\"odd key\": 1};", "(block (let r (record odd key:1)))");
  assert_ast("f({a: 1}, {})", "(block => (call f (record a:1) (record)))");
  assert_ast("let x = {a: {b: 2}}.a.b;", "(block (let x (field (field (record a:(record b:2)) a) b)))");
}

Test(parser, braces_in_expression_position_with_statements_are_a_block) {
  assert_ast("let x = { a };", "(block (let x (block => a)))");
  assert_ast("let x = { f(); a };", "(block (let x (block (expr (call f)) => a)))");
}

Test(parser, braces_at_statement_start_are_a_block) {
  /* at the start of a statement, { } is an (empty) block, not a record */
  assert_ast("{}", "(block => (block))");
  assert_ast("{ {} }", "(block => (block => (block)))");
}

Test(parser, record_at_statement_start) {
  /* after '{', a name or string and ':' start a record, even at the start
   * of a statement */
  assert_ast("{a: 1}", "(block => (record a:1))");
  assert_ast("{\"k\": 1, b: 2}.b", "(block => (field (record k:1 b:2) b))");
  assert_ast("{a: 1};", "(block (expr (record a:1)))");
}

Test(parser, record_literal_as_the_value_of_a_block) {
  assert_ast("fn f() { {a: 1} }", "(block (fn f () (block => (record a:1))))");
  assert_ast("let g = fn(x) { let y = x; {x: x, y: y} };",
             "(block (let g (fn _ (x) (block (let y x) => (record x:x y:y)))))");
  assert_ast("let r = if c { {a: 1} } else { {a: 2} };",
             "(block (let r (if c (block => (record a:1)) (block => (record a:2)))))");
}

Test(parser, empty_braces_as_a_block_value_are_a_block) {
  assert_ast("fn f() { {} }", "(block (fn f () (block => (block))))");
}

Test(parser, trailing_commas) {
  assert_ast("[1, 2, 3,]", "(block => (array 1 2 3))");
  assert_ast("f(1, 2,)", "(block => (call f 1 2))");
  assert_ast("fn f(a, b,) { a }", "(block (fn f (a b) (block => a)))");
  assert_ast("let r = {a: 1, b: 2,};", "(block (let r (record a:1 b:2)))");
  assert_ast("let [a, b,] = xs;", "(block (let [a b] xs))");
  assert_ast("let {a, b,} = r;", "(block (let {a b} r))");
}

Test(parser, lone_commas_are_errors) {
  assert_diags("[1,,2]", "1:4-1:4: expected an expression or ']', found ','\n");
  assert_diags("f(,)", "1:3-1:3: expected an expression or ')', found ','\n");
}

/* ---------------------------------------------------- statement starts */

Test(parser, if_statement_then_array_is_two_things) {
  assert_ast("if a { 1 }\n[1]", "(block (expr (if a (block => 1) _)) => (array 1))");
  assert_ast("if a { 1 } else { 2 }\n[0]", "(block (expr (if a (block => 1) (block => 2))) => (array 0))");
}

Test(parser, if_statement_then_parenthesis_is_two_things) {
  assert_ast("if a { 1 } else { 2 }\n(3)", "(block (expr (if a (block => 1) (block => 2))) => 3)");
}

Test(parser, block_statement_then_array_is_two_things) {
  assert_ast("{ 1 }\n[2]", "(block (expr (block => 1)) => (array 2))");
  assert_ast("for i in xs { i }\n-1", "(block (expr (for i xs _ (block => i))) => (- 1))");
}

Test(parser, if_expression_after_equals_can_be_indexed) {
  assert_ast("let x = if a { [1] } else { [2] }\n[0];",
             "(block (let x (index (if a (block => (array 1)) (block => (array 2))) 0)))");
  assert_ast("let y = { [1, 2] }[1];", "(block (let y (index (block => (array 1 2)) 1)))");
}

Test(parser, statement_start_inside_a_block) {
  assert_ast("fn f() { if a { 1 }\n[2] }", "(block (fn f () (block (expr (if a (block => 1) _)) => (array 2))))");
}

/* ------------------------------------------------------------------ let */

Test(parser, let_forms) {
  assert_ast("let x = 1;", "(block (let x 1))");
  assert_ast("let [a, b] = xs;", "(block (let [a b] xs))");
  assert_ast("let [a] = xs;", "(block (let [a] xs))");
  assert_ast("let {mu, sigma} = r;", "(block (let {mu sigma} r))");
}

Test(parser, empty_patterns_are_errors) {
  assert_diags("let [] = c;", "1:6-1:6: expected a name, found ']'\n");
  assert_diags("let {} = c;", "1:6-1:6: expected a name, found '}'\n");
}

Test(parser, let_needs_an_expression) {
  assert_diags("let x = ;", "1:9-1:9: expected an expression, found ';'\n");
}

/* ---------------------------------------------------------------- tilde */

Test(parser, tilde_statement) {
  assert_ast("x ~ normal(0, 1);", "(block (~ x (call normal 0 1)))");
  assert_ast("fn m() { p ~ beta(1, 1); p }", "(block (fn m () (block (~ p (call beta 1 1)) => p)))");
}

Test(parser, tilde_with_indices) {
  assert_ast("x[i] ~ d;", "(block (~ x i d))");
  assert_ast("x[i][j] ~ normal(0, 1);", "(block (~ x i j (call normal 0 1)))");
  assert_ast("z[i + 1][2 * j][0] ~ d;", "(block (~ z (+ i 1) (* 2 j) 0 d))");
}

Test(parser, tilde_span_and_name_span) {
  Parsed *p = parse_text("  x[i] ~ d;");
  cr_assert_eq(p->diags.count, 0);
  Node *t = p->program->block.stmts.items[0];
  cr_assert_eq(t->kind, N_TILDE);
  cr_assert_eq(t->span.col, 3);
  cr_assert_eq(t->span.end_col, 11);
  cr_assert_eq(t->tilde.name_span.col, 3);
  cr_assert_eq(t->tilde.name_span.end_col, 3);
}

Test(parser, tilde_left_side_must_be_a_name) {
  assert_diags("x.y ~ d;", "1:1-1:3: the left side of '~' must be a name\n");
  assert_diags("f(x) ~ d;", "1:1-1:4: the left side of '~' must be a name\n");
  assert_diags("a.b[0] ~ d;", "1:1-1:6: the left side of '~' must be a name\n");
  cr_assert_str_eq(first_hint("x.y ~ d;"), "write the choice's name, like x ~ normal(0, 1); or x[i] ~ ...");
}

/* ----------------------------------------------------- helpful messages */

Test(parser, assignment_is_explained) {
  assert_diags("x = 3;", "1:3-1:3: '=' cannot assign to an existing name\n");
  cr_assert_str_eq(first_hint("x = 3;"),
                   "values never change in ppl: bind a new name with let x = ...; (use == to compare)");
}

Test(parser, return_is_explained) {
  assert_diags("return 1;", "1:1-1:6: ppl has no 'return'\n");
  cr_assert_str_eq(first_hint("return 1;"), "a function's value is its last expression, written without ';'");
}

Test(parser, while_is_explained) {
  assert_diags("while x { 1 }", "1:1-1:5: ppl has no 'while' loops\n");
  cr_assert_str_eq(first_hint("while x { 1 }"), "use a for loop over a range, or a recursive function");
}

Test(parser, single_equals_in_a_condition) {
  assert_diags("if x = 1 { 2 }", "1:6-1:6: expected '{', found '='\n");
  cr_assert_str_eq(first_hint("if x = 1 { 2 }"), "to compare two values, write ==");
}

Test(parser, missing_semicolon) {
  assert_diags("let x = 1\nlet y = 2;", "2:1-2:3: expected ';', found 'let'\n");
  cr_assert_str_eq(first_hint("let x = 1\nlet y = 2;"), "a statement ends with ';'");
}

Test(parser, missing_comma) {
  assert_diags("f(1 2)", "1:5-1:5: expected ')' or ',', found number 2\n");
  assert_diags("let x = [1, 2 3];", "1:15-1:15: expected ']' or ',', found number 3\n");
}

Test(parser, unexpected_end_of_input) {
  assert_diags("a +", "1:3-1:3: expected an expression, found end of file\n");
}

Test(parser, unexpected_closing_brace) {
  assert_diags("{ 1; 2 } }", "1:10-1:10: expected an expression, found '}'\n");
  assert_diags("}", "1:1-1:1: expected an expression, found '}'\n");
}

Test(parser, unclosed_brackets_point_at_the_opener) {
  assert_diags("f(1, 2", "1:2-1:2: '(' is never closed\n");
  assert_diags("[1, 2", "1:1-1:1: '[' is never closed\n");
  assert_diags("{ let a = 1;", "1:1-1:1: '{' is never closed\n");
  assert_diags("fn f(x) {\n  x\n", "1:9-1:9: '{' is never closed\n");
  cr_assert_str_eq(first_hint("f(1, 2"), "add the missing ')'");
  cr_assert_str_eq(first_hint("{ let a = 1;"), "add the missing '}'");
}

Test(parser, innermost_unclosed_bracket_is_reported) {
  assert_diags("f([1, (2", "1:7-1:7: '(' is never closed\n");
  assert_diags("f([1, (2)", "1:3-1:3: '[' is never closed\n");
}

Test(parser, unclosed_bracket_after_a_lexical_error_is_not_reported_again) {
  assert_diags("f(\"abc", "1:3-1:6: unterminated string\n");
}

/* ------------------------------------------------------- error recovery */

Test(parser, several_errors_in_one_file) {
  assert_diags("let x = 1 +;\nlet y = * 2;\nlet z = 3;",
               "1:12-1:12: expected an expression, found ';'\n2:9-2:9: expected an expression, found '*'\n");
}

Test(parser, recovery_keeps_the_good_statements) {
  Parsed *p = parse_text("let x = 1; let y = ); let z = 2; let w = ];");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:20-1:20: expected an expression, found ')'\n1:42-1:42: expected an expression, found ']'\n");
  char *t = dump_node(p->program);
  cr_assert_str_eq(t, "(block (let x 1) (empty) (let z 2) (empty))");
  free(t);
  free(d);
}

Test(parser, recovery_inside_a_function_body) {
  Parsed *p = parse_text("fn f() { let a = ; 1 }\nlet b = ;\nf");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:18-1:18: expected an expression, found ';'\n2:9-2:9: expected an expression, found ';'\n");
  char *t = dump_node(p->program);
  cr_assert_str_eq(t, "(block (fn f () (block (empty) => 1)) (empty) => f)");
  free(t);
  free(d);
}

Test(parser, helpful_errors_do_not_stop_the_parse) {
  assert_diags("x = 1;\nreturn 2;\nwhile c { }\nlet ok = ;",
               "1:3-1:3: '=' cannot assign to an existing name\n"
               "2:1-2:6: ppl has no 'return'\n"
               "3:1-3:5: ppl has no 'while' loops\n"
               "4:10-4:10: expected an expression, found ';'\n");
}

Test(parser, errors_are_printed_in_source_order) {
  /* the escape is found (by the lexer) before the '~' statement is reduced,
   * but diags_print sorts by position */
  Parsed *p = parse_text("x.y ~ \"\\q\";");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:8-1:9: unknown escape '\\q'\n1:1-1:3: the left side of '~' must be a name\n");
  free(d);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  diags_print(&p->diags, out);
  fclose(out);
  char *first = strstr(buf, "test.ppl:1:1: error: the left side of '~' must be a name");
  char *second = strstr(buf, "test.ppl:1:8: error: unknown escape '\\q'");
  cr_assert(first && second && first < second, "%s", buf);
  free(buf);
}

Test(parser, parse_always_returns_a_program) {
  Parsed *p = parse_text(")))");
  cr_assert_not_null(p->program);
  cr_assert_eq(p->program->kind, N_BLOCK);
  cr_assert_geq(p->diags.errors, 1);
}

Test(parser, deep_nesting_is_an_error_not_a_crash) {
  int n = 20000;
  char *text = malloc((size_t)n * 2 + 2);
  memset(text, '(', (size_t)n);
  text[n] = '1';
  memset(text + n + 1, ')', (size_t)n);
  text[2 * n + 1] = '\0';
  Parsed *p = parse_text(text);
  cr_assert_geq(p->diags.errors, 1);
  free(text);
}

/* Regression (fixed): nesting deeper than bison's stack gives "memory exhausted", which
 * does not tell the user what is wrong with the program. */
Test(parser, deep_nesting_message_names_the_problem) {
  int n = 20000;
  char *text = malloc((size_t)n * 2 + 2);
  memset(text, '(', (size_t)n);
  text[n] = '1';
  memset(text + n + 1, ')', (size_t)n);
  text[2 * n + 1] = '\0';
  Parsed *p = parse_text(text);
  cr_assert_geq(p->diags.count, 1);
  cr_assert(strstr(p->diags.items[0].message, "nested too deeply") != NULL, "%s", p->diags.items[0].message);
  free(text);
}

/* ----------------------------------------------- parser_input_incomplete */

static bool incomplete(const char *text) { return parser_input_incomplete(text, strlen(text)); }

Test(parser, complete_inputs) {
  cr_assert_not(incomplete(""));
  cr_assert_not(incomplete("1 + 2"));
  cr_assert_not(incomplete("fn f(x) { x }"));
  cr_assert_not(incomplete("let x = [1, 2];"));
  cr_assert_not(incomplete("// just a comment"));
  cr_assert_not(incomplete("/* closed */ 1"));
}

Test(parser, open_brackets_are_incomplete) {
  cr_assert(incomplete("fn f(x) {"));
  cr_assert(incomplete("f(1,"));
  cr_assert(incomplete("[1, 2,\n3"));
  cr_assert(incomplete("{ {\n}"));
}

Test(parser, open_block_comment_is_incomplete) {
  cr_assert(incomplete("1 /* more"));
  cr_assert(incomplete("/*\n * doc\n"));
}

Test(parser, brackets_in_strings_and_comments_do_not_count) {
  cr_assert_not(incomplete("\"{\""));
  cr_assert_not(incomplete("\"a\\\"{\""));
  cr_assert_not(incomplete("1 // {"));
  cr_assert_not(incomplete("/* ( */ 1"));
  cr_assert(incomplete("{ \"}\""));
  cr_assert(incomplete("{ /* } */"));
  cr_assert(incomplete("\"//\" + ("));
}

Test(parser, extra_closers_are_not_incomplete) {
  /* the parser reports them; reading more lines would not help */
  cr_assert_not(incomplete("}"));
  cr_assert_not(incomplete("1)"));
}

/* A file full of errors shows the first 50 and counts the rest. */
Test(parser, many_errors_show_the_first_fifty) {
  StrBuf sb;
  sb_init(&sb);
  for (int i = 0; i < 55; i++) sb_printf(&sb, "let x%d = ;\n", i);
  char *msgs;
  Value v = run_source(sb.data, &msgs);
  sb_free(&sb);
  cr_assert_eq(v, VAL_UNDEF);
  cr_assert(strstr(msgs, "test.ppl:50:") != NULL, "%s", msgs);
  cr_assert(strstr(msgs, "test.ppl:51:") == NULL, "%s", msgs);
  cr_assert(strstr(msgs, "test.ppl: 5 more errors and warnings not shown; fix the ones above first\n") != NULL, "%s", msgs);
  free(msgs);
}
