#include "print.h"

#include <ctype.h>
#include <stdlib.h>

#include "dist.h"
#include "object.h"

static void write_string_repr(StrBuf *sb, const ObjString *s) {
  sb_putc(sb, '"');
  for (uint32_t i = 0; i < s->len; i++) {
    unsigned char c = (unsigned char)s->chars[i];
    switch (c) {
    case '"': sb_puts(sb, "\\\""); break;
    case '\\': sb_puts(sb, "\\\\"); break;
    case '\n': sb_puts(sb, "\\n"); break;
    case '\t': sb_puts(sb, "\\t"); break;
    case '\r': sb_puts(sb, "\\r"); break;
    default:
      if (c < 0x20 || c == 0x7f) sb_printf(sb, "\\u{%x}", c); /* reads back as the same string */
      else sb_putc(sb, (char)c);
    }
  }
  sb_putc(sb, '"');
}

static bool is_identifier(const ObjString *s) {
  if (s->len == 0 || !(isalpha((unsigned char)s->chars[0]) || s->chars[0] == '_')) return false;
  for (uint32_t i = 1; i < s->len; i++)
    if (!(isalnum((unsigned char)s->chars[i]) || s->chars[i] == '_')) return false;
  return true;
}

/* Everything but arrays and records. */
static void write_leaf(StrBuf *sb, Value v, bool repr) {
  if (val_is_num(v)) {
    sb_num(sb, val_as_num(v));
    return;
  }
  if (v == VAL_NIL) {
    sb_puts(sb, "nil");
    return;
  }
  if (v == VAL_TRUE || v == VAL_FALSE) {
    sb_puts(sb, v == VAL_TRUE ? "true" : "false");
    return;
  }
  if (!val_is_obj(v)) {
    sb_puts(sb, "<undefined>");
    return;
  }
  switch (obj_type(v)) {
  case OBJ_STRING:
    if (repr) write_string_repr(sb, AS_STRING(v));
    else sb_putn(sb, AS_STRING(v)->chars, AS_STRING(v)->len);
    break;
  case OBJ_FUNCTION:
    sb_printf(sb, "<fn %s>", AS_FUNCTION(v)->name ? AS_FUNCTION(v)->name->chars : "anonymous");
    break;
  case OBJ_CLOSURE: {
    ObjString *name = AS_CLOSURE(v)->fn->name;
    sb_printf(sb, "<fn %s>", name ? name->chars : "anonymous");
    break;
  }
  case OBJ_BUILTIN: sb_printf(sb, "<builtin %s>", AS_BUILTIN(v)->name); break;
  case OBJ_SHAPE: sb_puts(sb, "<shape>"); break;
  case OBJ_SITE: sb_printf(sb, "<site %s>", AS_SITE(v)->name->chars); break;
  case OBJ_DIST: {
    ObjDist *d = AS_DIST(v);
    if (d->cls->write) d->cls->write(sb, d);
    else sb_printf(sb, "<%s>", d->cls->name);
    break;
  }
  case OBJ_TAPE: sb_puts(sb, "<tape number>"); break;
  case OBJ_NATIVE: {
    ObjNative *n = AS_NATIVE(v);
    if (n->cls->write) n->cls->write(sb, n);
    else sb_printf(sb, "<%s>", n->cls->name);
    break;
  }
  case OBJ_ARRAY:
  case OBJ_RECORD: break; /* containers are written by val_write */
  }
}

static bool is_container(Value v) { return val_is(v, OBJ_ARRAY) || val_is(v, OBJ_RECORD); }

static uint32_t container_len(Value v) {
  return val_is(v, OBJ_ARRAY) ? AS_ARRAY(v)->len : AS_RECORD(v)->shape->n;
}

/* Arrays and records are written with an explicit stack, not recursion, so
 * a value nested a million deep prints instead of overflowing the C stack. */
typedef struct WriteFrame {
  Value v;
  uint32_t next;
} WriteFrame;

void val_write(StrBuf *sb, Value v, bool repr) {
  if (!is_container(v)) {
    write_leaf(sb, v, repr);
    return;
  }
  size_t cap = 16, n = 0;
  WriteFrame *stack = malloc(sizeof(WriteFrame) * cap);
  stack[n++] = (WriteFrame){v, 0};
  sb_putc(sb, val_is(v, OBJ_ARRAY) ? '[' : '{');
  while (n > 0) {
    WriteFrame *top = &stack[n - 1];
    Value c = top->v;
    if (top->next == container_len(c)) {
      sb_putc(sb, val_is(c, OBJ_ARRAY) ? ']' : '}');
      n--;
      continue;
    }
    uint32_t i = top->next++;
    if (i) sb_puts(sb, ", ");
    Value child;
    if (val_is(c, OBJ_ARRAY)) {
      child = AS_ARRAY(c)->items[i];
    } else {
      ObjString *k = AS_RECORD(c)->shape->keys[i];
      if (is_identifier(k)) sb_putn(sb, k->chars, k->len);
      else write_string_repr(sb, k);
      sb_puts(sb, ": ");
      child = AS_RECORD(c)->vals[i];
    }
    if (!is_container(child)) {
      write_leaf(sb, child, true);
      continue;
    }
    if (n == cap) {
      cap *= 2;
      stack = realloc(stack, sizeof(WriteFrame) * cap);
    }
    stack[n++] = (WriteFrame){child, 0};
    sb_putc(sb, val_is(child, OBJ_ARRAY) ? '[' : '{');
  }
  free(stack);
}

void val_print(FILE *out, Value v, bool repr) {
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, v, repr);
  fwrite(sb.data, 1, sb.len, out);
  sb_free(&sb);
}

void val_describe(StrBuf *sb, Value v) {
  const char *t = val_type_name(v);
  if (val_is_num(v) || val_is_bool(v) || v == VAL_NIL) {
    if (v == VAL_NIL) {
      sb_puts(sb, "nil");
      return;
    }
    sb_printf(sb, "%s ", t);
    val_write(sb, v, true);
    return;
  }
  if (val_is(v, OBJ_STRING)) {
    sb_puts(sb, "string ");
    if (AS_STRING(v)->len <= 40) val_write(sb, v, true);
    else sb_printf(sb, "of length %u", AS_STRING(v)->len);
    return;
  }
  if (val_is(v, OBJ_ARRAY)) {
    sb_printf(sb, "array of length %u", AS_ARRAY(v)->len);
    return;
  }
  if (val_is(v, OBJ_DIST)) {
    sb_puts(sb, "distribution ");
    val_write(sb, v, true);
    return;
  }
  sb_puts(sb, t);
}
