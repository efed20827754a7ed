/* grammar.y — the syntax of ppl (docs/language.md describes it for users).
 *
 * Expression-oriented, like Rust: a block is statements and an optional
 * final expression, its value. if, for and { } blocks need no ';' when they
 * stand as statements. To keep `if c {a} else {b}` at the start of a
 * statement from swallowing a following `[x]` or `(y)`, expressions at the
 * start of a statement use `nexpr`, the same grammar without the block-like
 * forms at its left edge.
 */
%define api.pure full
%define api.location.type {Span}
%define parse.error custom
%define parse.lac full
%locations
%lex-param {void *scanner}
%parse-param {void *scanner} {ParseCtx *ctx}

%code requires {
#include "lang/ast.h"
#include "lang/diag.h"
#include "parser/lexstate.h"

typedef struct ParseCtx {
  LexState *lex;
  Node *result;
} ParseCtx;
}

%code top {
#include <gc/gc.h>
/* The parser's stacks hold syntax-tree pointers: when they outgrow their
 * first block they must live where the collector looks. */
#define YYMALLOC GC_MALLOC
#define YYFREE GC_FREE
#define YYLLOC_DEFAULT(Cur, Rhs, N)                          \
  do {                                                       \
    if (N) {                                                 \
      (Cur).line = YYRHSLOC(Rhs, 1).line;                    \
      (Cur).col = YYRHSLOC(Rhs, 1).col;                      \
      (Cur).end_line = YYRHSLOC(Rhs, N).end_line;            \
      (Cur).end_col = YYRHSLOC(Rhs, N).end_col;              \
    } else {                                                 \
      (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line; \
      (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;  \
    }                                                        \
  } while (0)
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
}

%code {
#include <gc/gc.h>
#include <string.h>

static Node *mk(NodeKind k, Span s) { return node_new(k, s); }

static Node *mk_binary(NodeKind k, OpCode op, Node *l, Node *r, Span s) {
  Node *n = mk(k, s);
  n->binary.op = op;
  n->binary.left = l;
  n->binary.right = r;
  return n;
}

static Node *mk_unary(OpCode op, Node *e, Span s) {
  Node *n = mk(N_UNARY, s);
  n->unary.op = op;
  n->unary.operand = e;
  return n;
}

static Node *mk_call(Node *callee, NodeList *args, Span s) {
  Node *n = mk(N_CALL, s);
  n->call.callee = callee;
  if (args) n->call.args = *args;
  return n;
}

static Node *mk_index(Node *obj, Node *idx, Span s) {
  Node *n = mk(N_INDEX, s);
  n->index.object = obj;
  n->index.index = idx;
  return n;
}

static Node *mk_field(Node *obj, const char *name, Span name_span, Span s) {
  Node *n = mk(N_FIELD, s);
  n->field.object = obj;
  n->field.name = name;
  n->field.name_span = name_span;
  return n;
}

static NodeList *new_list(void) {
  NodeList *l = GC_MALLOC(sizeof *l);
  memset(l, 0, sizeof *l);
  return l;
}

static NodeList *list1(Node *n) {
  NodeList *l = new_list();
  list_push(l, n);
  return l;
}

/* A block's value is its tail; when the last statement is an if, for or
 * block with no ';' after it, that statement is the tail. */
static Node *mk_block(NodeList *stmts, Node *tail, Span s) {
  Node *b = mk(N_BLOCK, s);
  if (stmts) b->block.stmts = *stmts;
  if (!tail && b->block.stmts.count > 0) {
    Node *last = b->block.stmts.items[b->block.stmts.count - 1];
    if (last->kind == N_EXPR_STMT && node_is_blocklike(last->expr_stmt.expr)) {
      tail = last->expr_stmt.expr;
      b->block.stmts.count--;
    }
  }
  b->block.tail = tail;
  return b;
}

typedef struct Params {
  int n, cap;
  const char **names;
  Span *spans;
} Params;

static Params *params_add(Params *p, const char *name, Span s) {
  if (!p) {
    p = GC_MALLOC(sizeof *p);
    memset(p, 0, sizeof *p);
  }
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 4;
    p->names = GC_REALLOC(p->names, sizeof(char *) * (size_t)p->cap);
    p->spans = GC_REALLOC(p->spans, sizeof(Span) * (size_t)p->cap);
  }
  p->names[p->n] = name;
  p->spans[p->n] = s;
  p->n++;
  return p;
}

static Node *mk_fn(const char *name, Span name_span, Params *ps, Node *body, Span s) {
  Node *n = mk(N_FN, s);
  n->fn.name = name;
  n->fn.name_span = name_span;
  n->fn.body = body;
  if (ps) {
    n->fn.n_params = ps->n;
    n->fn.params = ps->names;
    n->fn.param_spans = ps->spans;
  }
  return n;
}

static Pattern *mk_pattern(PatternKind kind, Params *ps) {
  Pattern *p = GC_MALLOC(sizeof *p);
  p->kind = kind;
  p->n = ps ? ps->n : 0;
  p->names = ps ? ps->names : NULL;
  p->spans = ps ? ps->spans : NULL;
  p->bindings = GC_MALLOC(sizeof(void *) * (size_t)(p->n ? p->n : 1));
  return p;
}

/* fields holds key, value, key, value, ... */
static Node *mk_record(NodeList *fields, Span s) {
  Node *n = mk(N_RECORD, s);
  for (int i = 0; fields && i < fields->count; i += 2) {
    list_push(&n->record.keys, fields->items[i]);
    list_push(&n->record.values, fields->items[i + 1]);
  }
  return n;
}

static Node *mk_expr_stmt(Node *e, Span s) {
  Node *n = mk(N_EXPR_STMT, s);
  n->expr_stmt.expr = e;
  return n;
}

/* x ~ D;  or  x[i][j] ~ D; */
static Node *mk_tilde(ParseCtx *ctx, Node *lhs, Node *dist, Span s) {
  Node *n = mk(N_TILDE, s);
  n->tilde.dist = dist;
  NodeList idx = {0};
  Node *base = lhs;
  while (base->kind == N_INDEX) {
    list_push(&idx, base->index.index);
    base = base->index.object;
  }
  if (base->kind != N_IDENT) {
    diag_error(ctx->lex->diags, lhs->span, "write the choice's name, like x ~ normal(0, 1); or x[i] ~ ...",
               "the left side of '~' must be a name");
    n->tilde.name = "_";
    n->tilde.name_span = lhs->span;
    return n;
  }
  /* the indices were collected innermost first */
  for (int i = idx.count - 1; i >= 0; i--) list_push(&n->tilde.indices, idx.items[i]);
  n->tilde.name = base->ident.name;
  n->tilde.name_span = base->span;
  return n;
}

static void yyerror(YYLTYPE *loc, void *scanner, ParseCtx *ctx, const char *msg) {
  (void)scanner;
  if (strcmp(msg, "memory exhausted") == 0) /* the parser's stack is full */
    diag_error(ctx->lex->diags, *loc, "split it up with let", "the program is nested too deeply to parse");
  else
    diag_error(ctx->lex->diags, *loc, NULL, "%s", msg);
}
}

%union {
  double num;
  struct { char *chars; int len; } str;
  const char *name;
  Node *node;
  NodeList *list;
  Pattern *pattern;
  struct Params *params;
}

%token END 0 "end of file"
%token <num> NUMBER "number"
%token <str> STRING "string"
%token <name> IDENT "name"
%token LET "let" FN "fn" IF "if" ELSE "else" FOR "for" IN "in"
%token TRUE "true" FALSE "false" NIL "nil" RETURN "return" WHILE "while"
%token EQ "==" NE "!=" LE "<=" GE ">=" AND "&&" OR "||" DOTDOT ".."

%nonassoc DOTDOT
%left OR
%left AND
%nonassoc EQ NE
%nonassoc '<' LE '>' GE
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%type <node> program body body_opt block stmt expr nexpr postfix npostfix primary nprimary
%type <node> if_expr for_expr lambda record block_expr
%type <list> stmts args args_opt fields
%type <pattern> pattern
%type <params> params params_opt names

%%

program
  : body_opt                 { ctx->result = $1; }
  ;

body_opt
  : %empty                   { $$ = mk_block(NULL, NULL, @$); }
  | body                     { $$ = $1; }
  ;

body
  : stmts                    { $$ = mk_block($1, NULL, @$); }
  | stmts nexpr              { $$ = mk_block($1, $2, @$); }
  | nexpr                    { $$ = mk_block(NULL, $1, @$); }
  ;

stmts
  : stmt                     { $$ = list1($1); }
  | stmts stmt               { list_push($1, $2); $$ = $1; }
  ;

stmt
  : LET pattern '=' expr ';' {
      $$ = mk(N_LET, @$);
      $$->let.pattern = $2;
      $$->let.value = $4;
    }
  | FN IDENT '(' params_opt ')' block {
      $$ = mk_fn($2, @2, $4, $6, @$);
      $$->fn.is_decl = true;
    }
  | nexpr '~' expr ';'       { $$ = mk_tilde(ctx, $1, $3, @$); }
  | nexpr ';'                { $$ = mk_expr_stmt($1, @$); }
  | if_expr                  { $$ = mk_expr_stmt($1, @$); }
  | for_expr                 { $$ = mk_expr_stmt($1, @$); }
  | block                    { $$ = mk_expr_stmt($1, @$); }
  | ';'                      { $$ = mk(N_EMPTY, @$); }
  | nexpr '=' expr ';'       {
      diag_error(ctx->lex->diags, @2,
                 "values never change in ppl: bind a new name with let x = ...; (use == to compare)",
                 "'=' cannot assign to an existing name");
      $$ = mk(N_EMPTY, @$);
    }
  | RETURN expr ';'          {
      diag_error(ctx->lex->diags, @1, "a function's value is its last expression, written without ';'",
                 "ppl has no 'return'");
      $$ = mk(N_EMPTY, @$);
    }
  | WHILE expr block         {
      diag_error(ctx->lex->diags, @1, "use a for loop over a range, or a recursive function",
                 "ppl has no 'while' loops");
      $$ = mk(N_EMPTY, @$);
    }
  | error ';'                { $$ = mk(N_EMPTY, @$); yyerrok; }
  ;

pattern
  : IDENT                    { $$ = mk_pattern(PAT_NAME, params_add(NULL, $1, @1)); }
  | '[' names ']'            { $$ = mk_pattern(PAT_ARRAY, $2); }
  | '[' names ',' ']'        { $$ = mk_pattern(PAT_ARRAY, $2); }
  | '{' names '}'            { $$ = mk_pattern(PAT_RECORD, $2); }
  | '{' names ',' '}'        { $$ = mk_pattern(PAT_RECORD, $2); }
  ;

names
  : IDENT                    { $$ = params_add(NULL, $1, @1); }
  | names ',' IDENT          { $$ = params_add($1, $3, @3); }
  ;

params_opt
  : %empty                   { $$ = NULL; }
  | params                   { $$ = $1; }
  | params ','               { $$ = $1; }
  ;

params
  : IDENT                    { $$ = params_add(NULL, $1, @1); }
  | params ',' IDENT         { $$ = params_add($1, $3, @3); }
  ;

block
  : '{' body_opt '}'         { $$ = $2; $$->span = @$; }
  | '{' error '}'            { $$ = mk_block(NULL, NULL, @$); yyerrok; }
  ;

/* A block in expression position must not be empty: {} is an empty record. */
block_expr
  : '{' body '}'             { $$ = $2; $$->span = @$; }
  ;

if_expr
  : IF expr block            {
      $$ = mk(N_IF, @$);
      $$->if_.cond = $2;
      $$->if_.then_branch = $3;
    }
  | IF expr block ELSE block {
      $$ = mk(N_IF, @$);
      $$->if_.cond = $2;
      $$->if_.then_branch = $3;
      $$->if_.else_branch = $5;
    }
  | IF expr block ELSE if_expr {
      $$ = mk(N_IF, @$);
      $$->if_.cond = $2;
      $$->if_.then_branch = $3;
      $$->if_.else_branch = $5;
    }
  ;

for_expr
  : FOR IDENT IN expr block  {
      $$ = mk(N_FOR, @$);
      $$->for_.var = $2;
      $$->for_.var_span = @2;
      $$->for_.iter = $4;
      $$->for_.body = $5;
    }
  | FOR IDENT IN expr IF expr block {
      $$ = mk(N_FOR, @$);
      $$->for_.var = $2;
      $$->for_.var_span = @2;
      $$->for_.iter = $4;
      $$->for_.guard = $6;
      $$->for_.body = $7;
    }
  ;

lambda
  : FN '(' params_opt ')' block { $$ = mk_fn(NULL, @1, $3, $5, @$); }
  ;

/* A record with fields can start a statement or be a block's value:
 * after '{', a name or string followed by ':' starts a record. {} is an
 * empty record in expression position and an empty block elsewhere. */
record
  : '{' fields '}'           { $$ = mk_record($2, @$); }
  | '{' fields ',' '}'       { $$ = mk_record($2, @$); }
  ;

/* Each field is parsed as a (key . value) pair packed into two lists; the
 * record action above unpacks them. */
fields
  : IDENT ':' expr           {
      $$ = new_list();
      Node *k = mk(N_STR, @1); k->str.chars = (char *)$1; k->str.len = (int)strlen($1);
      list_push($$, k); list_push($$, $3);
    }
  | STRING ':' expr          {
      $$ = new_list();
      Node *k = mk(N_STR, @1); k->str.chars = $1.chars; k->str.len = $1.len;
      list_push($$, k); list_push($$, $3);
    }
  | fields ',' IDENT ':' expr {
      Node *k = mk(N_STR, @3); k->str.chars = (char *)$3; k->str.len = (int)strlen($3);
      list_push($1, k); list_push($1, $5); $$ = $1;
    }
  | fields ',' STRING ':' expr {
      Node *k = mk(N_STR, @3); k->str.chars = $3.chars; k->str.len = $3.len;
      list_push($1, k); list_push($1, $5); $$ = $1;
    }
  ;

args_opt
  : %empty                   { $$ = new_list(); }
  | args                     { $$ = $1; }
  | args ','                 { $$ = $1; }
  ;

args
  : expr                     { $$ = list1($1); }
  | args ',' expr            { list_push($1, $3); $$ = $1; }
  ;

expr
  : expr OR expr             { $$ = mk_binary(N_OR, OP_NIL, $1, $3, @$); }
  | expr AND expr            { $$ = mk_binary(N_AND, OP_NIL, $1, $3, @$); }
  | expr EQ expr             { $$ = mk_binary(N_BINARY, OP_EQ, $1, $3, @$); }
  | expr NE expr             { $$ = mk_binary(N_BINARY, OP_NE, $1, $3, @$); }
  | expr '<' expr            { $$ = mk_binary(N_BINARY, OP_LT, $1, $3, @$); }
  | expr LE expr             { $$ = mk_binary(N_BINARY, OP_LE, $1, $3, @$); }
  | expr '>' expr            { $$ = mk_binary(N_BINARY, OP_GT, $1, $3, @$); }
  | expr GE expr             { $$ = mk_binary(N_BINARY, OP_GE, $1, $3, @$); }
  | expr '+' expr            { $$ = mk_binary(N_BINARY, OP_ADD, $1, $3, @$); }
  | expr '-' expr            { $$ = mk_binary(N_BINARY, OP_SUB, $1, $3, @$); }
  | expr '*' expr            { $$ = mk_binary(N_BINARY, OP_MUL, $1, $3, @$); }
  | expr '/' expr            { $$ = mk_binary(N_BINARY, OP_DIV, $1, $3, @$); }
  | expr '%' expr            { $$ = mk_binary(N_BINARY, OP_MOD, $1, $3, @$); }
  | expr DOTDOT expr         { $$ = mk_binary(N_RANGE, OP_NIL, $1, $3, @$); }
  | '-' expr %prec UNARY     { $$ = mk_unary(OP_NEG, $2, @$); }
  | '!' expr %prec UNARY     { $$ = mk_unary(OP_NOT, $2, @$); }
  | postfix                  { $$ = $1; }
  ;

nexpr
  : nexpr OR expr            { $$ = mk_binary(N_OR, OP_NIL, $1, $3, @$); }
  | nexpr AND expr           { $$ = mk_binary(N_AND, OP_NIL, $1, $3, @$); }
  | nexpr EQ expr            { $$ = mk_binary(N_BINARY, OP_EQ, $1, $3, @$); }
  | nexpr NE expr            { $$ = mk_binary(N_BINARY, OP_NE, $1, $3, @$); }
  | nexpr '<' expr           { $$ = mk_binary(N_BINARY, OP_LT, $1, $3, @$); }
  | nexpr LE expr            { $$ = mk_binary(N_BINARY, OP_LE, $1, $3, @$); }
  | nexpr '>' expr           { $$ = mk_binary(N_BINARY, OP_GT, $1, $3, @$); }
  | nexpr GE expr            { $$ = mk_binary(N_BINARY, OP_GE, $1, $3, @$); }
  | nexpr '+' expr           { $$ = mk_binary(N_BINARY, OP_ADD, $1, $3, @$); }
  | nexpr '-' expr           { $$ = mk_binary(N_BINARY, OP_SUB, $1, $3, @$); }
  | nexpr '*' expr           { $$ = mk_binary(N_BINARY, OP_MUL, $1, $3, @$); }
  | nexpr '/' expr           { $$ = mk_binary(N_BINARY, OP_DIV, $1, $3, @$); }
  | nexpr '%' expr           { $$ = mk_binary(N_BINARY, OP_MOD, $1, $3, @$); }
  | nexpr DOTDOT expr        { $$ = mk_binary(N_RANGE, OP_NIL, $1, $3, @$); }
  | '-' expr %prec UNARY     { $$ = mk_unary(OP_NEG, $2, @$); }
  | '!' expr %prec UNARY     { $$ = mk_unary(OP_NOT, $2, @$); }
  | npostfix                 { $$ = $1; }
  ;

postfix
  : primary                  { $$ = $1; }
  | postfix '(' args_opt ')' { $$ = mk_call($1, $3, @$); }
  | postfix '[' expr ']'     { $$ = mk_index($1, $3, @$); }
  | postfix '.' IDENT        { $$ = mk_field($1, $3, @3, @$); }
  ;

npostfix
  : nprimary                 { $$ = $1; }
  | npostfix '(' args_opt ')' { $$ = mk_call($1, $3, @$); }
  | npostfix '[' expr ']'    { $$ = mk_index($1, $3, @$); }
  | npostfix '.' IDENT       { $$ = mk_field($1, $3, @3, @$); }
  ;

primary
  : nprimary                 { $$ = $1; }
  | if_expr                  { $$ = $1; }
  | for_expr                 { $$ = $1; }
  | block_expr               { $$ = $1; }
  | '{' '}'                  { $$ = mk_record(NULL, @$); }
  ;

nprimary
  : NUMBER                   { $$ = mk(N_NUM, @$); $$->num = $1; }
  | STRING                   { $$ = mk(N_STR, @$); $$->str.chars = $1.chars; $$->str.len = $1.len; }
  | TRUE                     { $$ = mk(N_BOOL, @$); $$->boolean = true; }
  | FALSE                    { $$ = mk(N_BOOL, @$); $$->boolean = false; }
  | NIL                      { $$ = mk(N_NIL, @$); }
  | IDENT                    { $$ = mk(N_IDENT, @$); $$->ident.name = $1; }
  | '(' expr ')'             { $$ = $2; }
  | '[' args_opt ']'         { $$ = mk(N_ARRAY, @$); $$->array.items = *$2; }
  | record                   { $$ = $1; }
  | lambda                   { $$ = $1; }
  ;

%%

#include "parser/syntax_error.inc"
