/* ast.h — the syntax tree the parser builds and the resolver and compiler
 * walk. Every node carries its source span. Nodes live on the GC heap.
 *
 * A program and every block are N_BLOCK: statements, then an optional tail
 * expression that is the block's value (nil when absent).
 */
#ifndef PPL_AST_H
#define PPL_AST_H

#include <stdbool.h>

#include "vm/chunk.h"
#include "vm/source.h"

typedef enum NodeKind {
  /* expressions */
  N_NUM,
  N_STR,
  N_BOOL,
  N_NIL,
  N_IDENT,
  N_ARRAY,
  N_RECORD,
  N_RANGE,
  N_BINARY, /* op is an OpCode: OP_ADD ... OP_GE, OP_EQ, OP_NE */
  N_UNARY,  /* op is OP_NEG or OP_NOT */
  N_AND,
  N_OR,
  N_CALL,
  N_INDEX,
  N_FIELD,
  N_IF,
  N_FOR,
  N_BLOCK,
  N_FN, /* a lambda, or a declaration (fn.is_decl) when it is a statement */
  /* statements */
  N_LET,
  N_TILDE,
  N_EXPR_STMT,
  N_EMPTY,
} NodeKind;

typedef struct Node Node;
struct Binding;
struct FnInfo;

typedef struct NodeList {
  Node **items;
  int count, cap;
} NodeList;

typedef enum PatternKind { PAT_NAME, PAT_ARRAY, PAT_RECORD } PatternKind;

/* The left side of let: x, [a, b], {mu, sigma}. */
typedef struct Pattern {
  PatternKind kind;
  int n;
  const char **names;
  Span *spans;
  struct Binding **bindings; /* filled by the resolver */
} Pattern;

typedef enum Special { SPECIAL_NONE, SPECIAL_SAMPLE, SPECIAL_OBSERVE, SPECIAL_FACTOR, SPECIAL_CONDITION } Special;

struct Node {
  NodeKind kind;
  Span span;
  union {
    double num;
    bool boolean;
    struct {
      char *chars;
      int len;
    } str;
    struct {
      const char *name;
      struct Binding *binding; /* resolver */
    } ident;
    struct {
      NodeList items;
    } array;
    struct {
      NodeList keys; /* N_STR nodes */
      NodeList values;
    } record;
    struct {
      OpCode op;
      Node *left, *right;
    } binary; /* also N_AND, N_OR, N_RANGE */
    struct {
      OpCode op;
      Node *operand;
    } unary;
    struct {
      Node *callee;
      NodeList args;
      Special special; /* resolver: sample/observe/factor/condition */
    } call;
    struct {
      Node *object, *index;
    } index;
    struct {
      Node *object;
      const char *name;
      Span name_span;
    } field;
    struct {
      Node *cond, *then_branch, *else_branch; /* else may be NULL */
    } if_;
    struct {
      const char *var;
      Span var_span;
      Node *iter; /* an N_RANGE iterates without building the array */
      Node *guard; /* may be NULL */
      Node *body;
      struct Binding *binding;
    } for_;
    struct {
      NodeList stmts;
      Node *tail; /* may be NULL */
    } block;
    struct {
      const char *name; /* NULL for a lambda */
      Span name_span;
      bool is_decl;
      int n_params;
      const char **params;
      Span *param_spans;
      Node *body; /* N_BLOCK */
      struct FnInfo *info;  /* resolver */
      struct Binding *decl; /* resolver: the binding a declaration creates */
    } fn;
    struct {
      Pattern *pattern;
      Node *value;
    } let;
    struct {
      const char *name;
      Span name_span;
      NodeList indices; /* explicit: x[i][j] ~ D */
      Node *dist;
      struct Binding *binding;
    } tilde;
    struct {
      Node *expr;
    } expr_stmt;
  };
};

Node *node_new(NodeKind kind, Span span);
void list_push(NodeList *l, Node *n);
const char *node_kind_name(NodeKind k);
/* True for if, for and block expressions, which need no ';' as statements. */
bool node_is_blocklike(const Node *n);
/* Prints the tree as an S-expression (for tests and debugging). */
void ast_dump(FILE *out, const Node *n);

#endif
