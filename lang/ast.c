#include "ast.h"

#include <gc/gc.h>
#include <string.h>

#include "vm/strbuf.h"

Node *node_new(NodeKind kind, Span span) {
  Node *n = GC_MALLOC(sizeof *n);
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->span = span;
  return n;
}

void list_push(NodeList *l, Node *n) {
  if (l->count == l->cap) {
    int cap = l->cap ? l->cap * 2 : 4;
    l->items = GC_REALLOC(l->items, sizeof(Node *) * (size_t)cap);
    l->cap = cap;
  }
  l->items[l->count++] = n;
}

const char *node_kind_name(NodeKind k) {
  static const char *const names[] = {"num",   "str",   "bool", "nil",  "ident", "array", "record",
                                      "range", "binary", "unary", "and", "or",   "call",  "index",
                                      "field", "if",    "for",  "block", "fn",   "let",   "tilde",
                                      "expr",  "empty"};
  return names[k];
}

bool node_is_blocklike(const Node *n) { return n->kind == N_IF || n->kind == N_FOR || n->kind == N_BLOCK; }

static void dump_list(FILE *out, const NodeList *l) {
  for (int i = 0; i < l->count; i++) {
    fputc(' ', out);
    ast_dump(out, l->items[i]);
  }
}

static const char *op_text(OpCode op) {
  switch (op) {
  case OP_ADD: return "+";
  case OP_SUB: return "-";
  case OP_MUL: return "*";
  case OP_DIV: return "/";
  case OP_MOD: return "%";
  case OP_EQ: return "==";
  case OP_NE: return "!=";
  case OP_LT: return "<";
  case OP_LE: return "<=";
  case OP_GT: return ">";
  case OP_GE: return ">=";
  case OP_NEG: return "-";
  case OP_NOT: return "!";
  default: return "?";
  }
}

void ast_dump(FILE *out, const Node *n) {
  if (!n) {
    fputs("_", out);
    return;
  }
  switch (n->kind) {
  case N_NUM: {
    StrBuf sb;
    sb_init(&sb);
    sb_num(&sb, n->num);
    fputs(sb.data, out);
    sb_free(&sb);
    break;
  }
  case N_STR: fprintf(out, "\"%.*s\"", n->str.len, n->str.chars); break;
  case N_BOOL: fputs(n->boolean ? "true" : "false", out); break;
  case N_NIL: fputs("nil", out); break;
  case N_IDENT: fputs(n->ident.name, out); break;
  case N_ARRAY: fputs("(array", out); dump_list(out, &n->array.items); fputc(')', out); break;
  case N_RECORD:
    fputs("(record", out);
    for (int i = 0; i < n->record.keys.count; i++) {
      fprintf(out, " %.*s:", n->record.keys.items[i]->str.len, n->record.keys.items[i]->str.chars);
      ast_dump(out, n->record.values.items[i]);
    }
    fputc(')', out);
    break;
  case N_RANGE:
  case N_AND:
  case N_OR:
  case N_BINARY:
    fprintf(out, "(%s ", n->kind == N_RANGE ? ".." : n->kind == N_AND ? "&&" : n->kind == N_OR ? "||" : op_text(n->binary.op));
    ast_dump(out, n->binary.left);
    fputc(' ', out);
    ast_dump(out, n->binary.right);
    fputc(')', out);
    break;
  case N_UNARY:
    fprintf(out, "(%s ", op_text(n->unary.op));
    ast_dump(out, n->unary.operand);
    fputc(')', out);
    break;
  case N_CALL:
    fputs("(call ", out);
    ast_dump(out, n->call.callee);
    dump_list(out, &n->call.args);
    fputc(')', out);
    break;
  case N_INDEX:
    fputs("(index ", out);
    ast_dump(out, n->index.object);
    fputc(' ', out);
    ast_dump(out, n->index.index);
    fputc(')', out);
    break;
  case N_FIELD:
    fputs("(field ", out);
    ast_dump(out, n->field.object);
    fprintf(out, " %s)", n->field.name);
    break;
  case N_IF:
    fputs("(if ", out);
    ast_dump(out, n->if_.cond);
    fputc(' ', out);
    ast_dump(out, n->if_.then_branch);
    fputc(' ', out);
    ast_dump(out, n->if_.else_branch);
    fputc(')', out);
    break;
  case N_FOR:
    fprintf(out, "(for %s ", n->for_.var);
    ast_dump(out, n->for_.iter);
    fputc(' ', out);
    ast_dump(out, n->for_.guard);
    fputc(' ', out);
    ast_dump(out, n->for_.body);
    fputc(')', out);
    break;
  case N_BLOCK:
    fputs("(block", out);
    dump_list(out, &n->block.stmts);
    if (n->block.tail) {
      fputs(" => ", out);
      ast_dump(out, n->block.tail);
    }
    fputc(')', out);
    break;
  case N_FN:
    fprintf(out, "(fn %s (", n->fn.name ? n->fn.name : "_");
    for (int i = 0; i < n->fn.n_params; i++) fprintf(out, "%s%s", i ? " " : "", n->fn.params[i]);
    fputs(") ", out);
    ast_dump(out, n->fn.body);
    fputc(')', out);
    break;
  case N_LET: {
    Pattern *p = n->let.pattern;
    fputs("(let ", out);
    if (p->kind != PAT_NAME) fputc(p->kind == PAT_ARRAY ? '[' : '{', out);
    for (int i = 0; i < p->n; i++) fprintf(out, "%s%s", i ? " " : "", p->names[i]);
    if (p->kind != PAT_NAME) fputc(p->kind == PAT_ARRAY ? ']' : '}', out);
    fputc(' ', out);
    ast_dump(out, n->let.value);
    fputc(')', out);
    break;
  }
  case N_TILDE:
    fprintf(out, "(~ %s", n->tilde.name);
    dump_list(out, &n->tilde.indices);
    fputc(' ', out);
    ast_dump(out, n->tilde.dist);
    fputc(')', out);
    break;
  case N_EXPR_STMT:
    fputs("(expr ", out);
    ast_dump(out, n->expr_stmt.expr);
    fputc(')', out);
    break;
  case N_EMPTY: fputs("(empty)", out); break;
  }
}
