/* Unit tests of the lexer (parser/lexer.l, parser/parse.c): tokens as the
 * parser sees them, their spans, and lexical errors. */
#include "helpers.h"

TestSuite(lexer);

/* The tail expression of a program that must parse cleanly. */
static Node *tail_of(const char *text) {
  Parsed *p = parse_text(text);
  char *d = diag_lines(&p->diags);
  cr_assert_eq(p->diags.count, 0, "%s\nunexpected diagnostics:\n%s", text, d);
  free(d);
  cr_assert_not_null(p->program->block.tail, "%s has no tail expression", text);
  return p->program->block.tail;
}

static void assert_span(Span s, int line, int col, int end_line, int end_col) {
  cr_assert(s.line == line && s.col == col && s.end_line == end_line && s.end_col == end_col,
            "span %d:%d-%d:%d, expected %d:%d-%d:%d", s.line, s.col, s.end_line, s.end_col, line, col, end_line,
            end_col);
}

/* --------------------------------------------------------------- numbers */

Test(lexer, integer) {
  assert_ast("1", "(block => 1)");
  assert_ast("0", "(block => 0)");
  assert_ast("007", "(block => 7)");
  assert_ast("1234567890", "(block => 1234567890)");
}

Test(lexer, decimal) {
  assert_ast("1.5", "(block => 1.5)");
  assert_ast("0.25", "(block => 0.25)");
  Node *n = tail_of("3.141592653589793");
  cr_assert_eq(n->kind, N_NUM);
  cr_assert_eq(n->num, 3.141592653589793);
}

Test(lexer, exponent) {
  assert_ast("1e-3", "(block => 0.001)");
  assert_ast("2.5e10", "(block => 25000000000)");
  assert_ast("1E+2", "(block => 100)");
  assert_ast("1e0", "(block => 1)");
  Node *n = tail_of("6.02e23");
  cr_assert_eq(n->num, 6.02e23);
}

Test(lexer, number_values_are_exact_doubles) {
  cr_assert_eq(tail_of("0.1")->num, 0.1);
  cr_assert_eq(tail_of("1e-300")->num, 1e-300);
  cr_assert_eq(tail_of("1.7976931348623157e308")->num, 1.7976931348623157e308);
}

Test(lexer, minus_is_an_operator_not_part_of_the_number) {
  assert_ast("-1", "(block => (- 1))");
  assert_ast("1-1", "(block => (- 1 1))");
  assert_ast("1e-3-1", "(block => (- 0.001 1))");
}

Test(lexer, malformed_exponent) {
  assert_diags("1e", "1:1-1:2: malformed number '1e'\n");
  assert_diags("1.5E+", "1:1-1:5: malformed number '1.5E+'\n");
  assert_diags("let x = 2e-;", "1:9-1:11: malformed number '2e-'\n");
}

Test(lexer, malformed_number_has_a_hint) {
  Parsed *p = parse_text("1e");
  cr_assert_eq(p->diags.count, 1);
  cr_assert_str_eq(p->diags.items[0].hint, "write an exponent like 1e-3");
}

Test(lexer, malformed_number_still_parses_as_a_number) {
  /* the parser goes on with a 0, so later errors are still found */
  Parsed *p = parse_text("let a = 1e + 1;\nlet b = 2e;");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:9-1:10: malformed number '1e'\n2:9-2:10: malformed number '2e'\n");
  char *t = dump_node(p->program);
  cr_assert_str_eq(t, "(block (let a (+ 0 1)) (let b 0))");
  free(t);
  free(d);
}

Test(lexer, dot_after_number_is_field_access) {
  /* "1." is not a number: '.' must be followed by a name */
  assert_diags("1.", "1:2-1:2: expected a name, found end of file\n");
  assert_diags(".5", "1:1-1:1: expected an expression, found '.'\n");
}

/* --------------------------------------------------------------- strings */

Test(lexer, plain_string) {
  assert_ast("\"hello\"", "(block => \"hello\")");
  assert_ast("\"\"", "(block => \"\")");
  Node *n = tail_of("\"a b\"");
  cr_assert_eq(n->kind, N_STR);
  cr_assert_eq(n->str.len, 3);
}

Test(lexer, escapes) {
  Node *n = tail_of("\"a\\nb\\tc\\\"d\\\\e\\rf\"");
  cr_assert_eq(n->str.len, 11);
  cr_assert_eq(memcmp(n->str.chars, "a\nb\tc\"d\\e\rf", 11), 0);
}

Test(lexer, nul_escape_keeps_the_length) {
  Node *n = tail_of("\"a\\0b\"");
  cr_assert_eq(n->str.len, 3);
  cr_assert_eq(memcmp(n->str.chars, "a\0b", 3), 0);
}

Test(lexer, unicode_escapes) {
  Node *n = tail_of("\"\\u{41}\"");
  cr_assert_eq(n->str.len, 1);
  cr_assert_eq(n->str.chars[0], 'A');
  n = tail_of("\"\\u{e9}\"");
  cr_assert_eq(n->str.len, 2);
  cr_assert_eq(memcmp(n->str.chars, "\xc3\xa9", 2), 0);
  n = tail_of("\"\\u{20AC}\"");
  cr_assert_eq(n->str.len, 3);
  cr_assert_eq(memcmp(n->str.chars, "\xe2\x82\xac", 3), 0);
  n = tail_of("\"\\u{1F600}\"");
  cr_assert_eq(n->str.len, 4);
  cr_assert_eq(memcmp(n->str.chars, "\xf0\x9f\x98\x80", 4), 0);
  n = tail_of("\"\\u{10FFFF}\"");
  cr_assert_eq(n->str.len, 4);
  cr_assert_eq(memcmp(n->str.chars, "\xf4\x8f\xbf\xbf", 4), 0);
}

/* Regression (fixed): \u{D800}..\u{DFFF} are surrogates, not characters; the lexer accepts
 * them and writes bytes (ED A0 80) that are not valid UTF-8. */
Test(lexer, surrogate_code_points_are_malformed_escapes) {
  assert_diags("\"\\u{D800}\"", "1:2-1:3: malformed \\u escape\n");
  assert_diags("\"\\u{DFFF}\"", "1:2-1:3: malformed \\u escape\n");
}

Test(lexer, unicode_escape_mixed_with_text) {
  Node *n = tail_of("\"x\\u{41}y\\u{42}\"");
  cr_assert_eq(n->str.len, 4);
  cr_assert_eq(memcmp(n->str.chars, "xAyB", 4), 0);
}

Test(lexer, utf8_text_is_kept_as_is) {
  Node *n = tail_of("\"h\xc3\xa9llo \xe2\x82\xac\"");
  cr_assert_eq(n->str.len, 10);
  cr_assert_eq(memcmp(n->str.chars, "h\xc3\xa9llo \xe2\x82\xac", 10), 0);
}

Test(lexer, unknown_escape) {
  assert_diags("\"\\q\"", "1:2-1:3: unknown escape '\\q'\n");
  Parsed *p = parse_text("\"\\q\"");
  cr_assert_str_eq(p->diags.items[0].hint, "the escapes are \\n \\t \\r \\0 \\\\ \\\" and \\u{...}");
}

Test(lexer, every_bad_escape_in_a_string_is_reported) {
  assert_diags("\"ab\\q\\w\"", "1:4-1:5: unknown escape '\\q'\n1:6-1:7: unknown escape '\\w'\n");
}

Test(lexer, bad_unicode_escapes) {
  assert_diags("\"\\u{}\"", "1:2-1:3: malformed \\u escape\n");
  assert_diags("\"\\u{110000}\"", "1:2-1:3: malformed \\u escape\n");
  assert_diags("\"\\u{41\"", "1:2-1:3: malformed \\u escape\n");
  assert_diags("\"\\u41\"", "1:2-1:3: malformed \\u escape\n");
  assert_diags("\"\\u{zz}\"", "1:2-1:3: malformed \\u escape\n");
  assert_diags("\"\\u{1234567}\"", "1:2-1:3: malformed \\u escape\n");
  Parsed *p = parse_text("\"\\u{}\"");
  cr_assert_str_eq(p->diags.items[0].hint, "write a code point as \\u{1F600}");
}

Test(lexer, bad_escape_columns_count_code_points) {
  /* é and 😀 are one column each however many bytes they take */
  assert_diags("\"\xc3\xa9\\q\"", "1:3-1:4: unknown escape '\\q'\n");
  assert_diags("\"\xf0\x9f\x98\x80\\q\"", "1:3-1:4: unknown escape '\\q'\n");
  assert_diags("let s = \"\xe2\x82\xac\xe2\x82\xac\"; \"\\q\"", "1:16-1:17: unknown escape '\\q'\n");
}

Test(lexer, bad_escape_columns_after_other_escapes) {
  assert_diags("\"\\n\\q\"", "1:4-1:5: unknown escape '\\q'\n");
  assert_diags("\"\\u{41}\\q\"", "1:8-1:9: unknown escape '\\q'\n");
  assert_diags("\"\\u{1F600}\\q\"", "1:11-1:12: unknown escape '\\q'\n");
}

/* Regression (fixed): an escape of a non-ASCII character ("\é") is reported with only the
 * first byte of the character, so the message is not valid UTF-8. */
Test(lexer, unknown_escape_of_a_utf8_character_names_the_whole_character) {
  assert_diags("\"\\\xc3\xa9\"", "1:2-1:3: unknown escape '\\\xc3\xa9'\n");
}

Test(lexer, unterminated_string) {
  assert_diags("\"abc", "1:1-1:4: unterminated string\n");
  Parsed *p = parse_text("\"abc");
  cr_assert_str_eq(p->diags.items[0].hint, "strings end on the line they start; write \\n for a newline");
}

Test(lexer, string_ends_at_the_end_of_its_line) {
  /* the next line is read as code again */
  Parsed *p = parse_text("let s = \"abc\nlet t = 1;");
  cr_assert_geq(p->diags.count, 1);
  cr_assert_str_eq(p->diags.items[0].message, "unterminated string");
  cr_assert_eq(p->diags.items[0].span.line, 1);
  cr_assert_eq(p->diags.items[0].span.col, 9);
  cr_assert_eq(p->diags.items[0].span.end_col, 12);
}

Test(lexer, unterminated_string_ending_in_a_backslash) {
  assert_diags("\"abc\\", "1:1-1:5: unterminated string\n");
  assert_diags("\"\\\n\"", "1:1-1:2: unterminated string\n2:1-2:1: unterminated string\n"
                              "2:1-2:1: expected ';', found a string\n");
}

Test(lexer, raw_tab_in_a_string_is_allowed) {
  Node *n = tail_of("\"a\tb\"");
  cr_assert_eq(n->str.len, 3);
  cr_assert_eq(n->str.chars[1], '\t');
}

/* -------------------------------------------------------------- comments */

Test(lexer, line_comments) {
  assert_ast("// nothing\n1 // one\n// end", "(block => 1)");
  assert_ast("1 + // plus\n2", "(block => (+ 1 2))");
}

Test(lexer, block_comments) {
  assert_ast("1 /* c */ + /* multi\nline */ 2", "(block => (+ 1 2))");
  assert_ast("/**/1", "(block => 1)");
  assert_ast("/* a * b ** / */ 3", "(block => 3)");
}

Test(lexer, block_comments_do_not_nest) {
  /* the first '*' '/' closes the comment; the rest is code */
  assert_diags("/* a /* b */ c */", "1:17-1:17: expected an expression, found '/'\n");
}

Test(lexer, comment_markers_inside_strings_are_text) {
  Node *n = tail_of("\"// not /* a comment\"");
  cr_assert_eq(n->str.len, 19);
}

Test(lexer, unterminated_block_comment) {
  assert_diags("1 + 2 /* abc", "1:7-1:8: unterminated comment: '/*' has no matching '*/'\n");
  assert_diags("/* x\n\n", "1:1-1:2: unterminated comment: '/*' has no matching '*/'\n");
}

/* ----------------------------------------------------------------- spans */

Test(lexer, token_spans_on_one_line) {
  Node *n = tail_of("foo + 12.5");
  assert_span(n->span, 1, 1, 1, 10);
  assert_span(n->binary.left->span, 1, 1, 1, 3);
  assert_span(n->binary.right->span, 1, 7, 1, 10);
}

Test(lexer, token_spans_across_lines) {
  Node *n = tail_of("\n  alpha\n\t+ beta");
  assert_span(n->binary.left->span, 2, 3, 2, 7);
  /* a tab is one column */
  assert_span(n->binary.right->span, 3, 4, 3, 7);
  assert_span(n->span, 2, 3, 3, 7);
}

Test(lexer, crlf_line_endings) {
  Node *n = tail_of("let a = 1;\r\n  a +\r\n b");
  assert_span(n->binary.left->span, 2, 3, 2, 3);
  assert_span(n->binary.right->span, 3, 2, 3, 2);
}

Test(lexer, string_span_includes_the_quotes) {
  Node *n = tail_of("  \"ab\"");
  assert_span(n->span, 1, 3, 1, 6);
}

Test(lexer, columns_after_utf8_in_a_string_count_code_points) {
  /* "héllo" is 7 columns: two quotes and five characters */
  Node *n = tail_of("\"h\xc3\xa9llo\" + x");
  assert_span(n->binary.left->span, 1, 1, 1, 7);
  assert_span(n->binary.right->span, 1, 11, 1, 11);
  n = tail_of("\"\xf0\x9f\x98\x80\xe2\x82\xac\" + y");
  assert_span(n->binary.right->span, 1, 8, 1, 8);
}

Test(lexer, columns_after_utf8_in_a_comment_count_code_points) {
  Node *n = tail_of("/* \xc3\xa9\xc3\xa9 */ z");
  assert_span(n->span, 1, 10, 1, 10);
}

Test(lexer, spans_of_keywords_and_operators) {
  Parsed *p = parse_text("let x = a <= b;");
  cr_assert_eq(p->diags.count, 0);
  Node *let = p->program->block.stmts.items[0];
  assert_span(let->span, 1, 1, 1, 15);
  assert_span(let->let.pattern->spans[0], 1, 5, 1, 5);
  assert_span(let->let.value->span, 1, 9, 1, 14);
}

/* -------------------------------------------------- unexpected characters */

Test(lexer, unexpected_character_is_skipped) {
  Parsed *p = parse_text("$x");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:1-1:1: unexpected character '$'\n");
  char *t = dump_node(p->program);
  cr_assert_str_eq(t, "(block => x)");
  free(t);
  free(d);
  assert_diags("@", "1:1-1:1: unexpected character '@'\n");
  assert_diags("1 # 2", "1:3-1:3: unexpected character '#'\n1:5-1:5: expected ';', found number 2\n");
}

Test(lexer, unexpected_control_character) {
  assert_diags("a\x01", "1:2-1:2: unexpected control character (byte 0x01)\n");
  assert_diags("\x7f", "1:1-1:1: unexpected control character (byte 0x7f)\n");
}

Test(lexer, non_ascii_outside_strings) {
  assert_diags("\xc3\xa9 x", "1:1-1:1: unexpected character '\xc3\xa9'\n");
  Parsed *p = parse_text("\xc3\xa9");
  cr_assert_str_eq(p->diags.items[0].hint, "names use ASCII letters, digits and _");
  Parsed *q = parse_text("let \xc3\xa9 = 1;");
  cr_assert_geq(q->diags.count, 1);
  cr_assert_str_eq(q->diags.items[0].message, "unexpected character '\xc3\xa9'");
}

Test(lexer, single_ampersand_has_a_hint) {
  Parsed *p = parse_text("a & b");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:3-1:3: unexpected character '&'\n");
  cr_assert_str_eq(p->diags.items[0].hint, "logical and is written &&");
  /* it is read as && so the rest parses */
  char *t = dump_node(p->program);
  cr_assert_str_eq(t, "(block => (&& a b))");
  free(t);
  free(d);
}

Test(lexer, single_bar_has_a_hint) {
  Parsed *p = parse_text("a | b");
  char *d = diag_lines(&p->diags);
  cr_assert_str_eq(d, "1:3-1:3: unexpected character '|'\n");
  cr_assert_str_eq(p->diags.items[0].hint, "logical or is written ||");
  char *t = dump_node(p->program);
  cr_assert_str_eq(t, "(block => (|| a b))");
  free(t);
  free(d);
}

/* ---------------------------------------------------------- names, words */

Test(lexer, keywords_and_names) {
  assert_ast("let letter = 1; letter", "(block (let letter 1) => letter)");
  assert_ast("[true, false, nil, fnord, if_, _x1]", "(block => (array true false nil fnord if_ _x1))");
}

Test(lexer, operators_are_single_tokens) {
  assert_ast("a<=b", "(block => (<= a b))");
  assert_ast("a>=b", "(block => (>= a b))");
  assert_ast("a==b", "(block => (== a b))");
  assert_ast("a!=b", "(block => (!= a b))");
  assert_ast("a&&b||c", "(block => (|| (&& a b) c))");
  assert_ast("0..n", "(block => (.. 0 n))");
  /* "< =" is two tokens, not <= */
  assert_diags("a< =b", "1:4-1:4: expected an expression, found '='\n");
}
