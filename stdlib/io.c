/* io.c — reading data files. Relative paths are taken from the directory of
 * the source file that makes the call, so a model finds its data wherever
 * it is run from. */
#include <errno.h>
#include <gc/gc.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib.h"
#include "vm/strbuf.h"

/* Resolves path against the directory of the calling source file. */
static void resolve_path(VM *vm, const char *path, StrBuf *out) {
  const Source *src;
  Span span;
  if (path[0] != '/' && vm_location(vm, 0, &src, &span) && src && src->name[0] != '<') {
    char *copy = strdup(src->name);
    const char *dir = dirname(copy);
    if (strcmp(dir, ".") != 0) {
      sb_puts(out, dir);
      sb_putc(out, '/');
    }
    free(copy);
  }
  sb_puts(out, path);
}

typedef struct CsvReader {
  const char *p, *end;
  int line;
} CsvReader;

/* Reads one field into sb; returns the character that ended it: ',', '\n'
 * or 0 at the end of input. Sets *quoted when the field was in quotes. */
static int csv_field(VM *vm, const char *path, CsvReader *r, StrBuf *sb, bool *quoted) {
  sb->len = 0;
  sb->data[0] = '\0';
  *quoted = false;
  if (r->p < r->end && *r->p == '"') {
    *quoted = true;
    r->p++;
    int opened = r->line;
    for (;;) {
      if (r->p >= r->end) vm_error(vm, "read_csv: %s:%d: a quoted field is not closed", path, opened);
      char c = *r->p++;
      if (c == '"') {
        if (r->p < r->end && *r->p == '"') {
          sb_putc(sb, '"');
          r->p++;
          continue;
        }
        break;
      }
      if (c == '\n') r->line++;
      sb_putc(sb, c);
    }
  }
  while (r->p < r->end && *r->p != ',' && *r->p != '\n') {
    if (*r->p != '\r') sb_putc(sb, *r->p);
    r->p++;
  }
  if (r->p >= r->end) return 0;
  return *r->p++;
}

static Value csv_value(VM *vm, const char *text, size_t len, bool quoted) {
  if (!quoted) {
    if (len == 0 || strcmp(text, "NA") == 0) return VAL_NIL;
    char *end;
    double d = strtod(text, &end);
    if (end != text && *end == '\0') return val_num(d);
    if (strcmp(text, "true") == 0 || strcmp(text, "TRUE") == 0) return VAL_TRUE;
    if (strcmp(text, "false") == 0 || strcmp(text, "FALSE") == 0) return VAL_FALSE;
  }
  (void)vm;
  return val_obj(obj_string(text, len));
}

static Value b_read_csv(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjString *arg = vm_arg_string(vm, "read_csv", args, 0);
  StrBuf path;
  sb_init(&path);
  resolve_path(vm, arg->chars, &path);
  const char *why;
  Source *file = src_read_file(path.data, &why);
  if (!file) {
    char msg[512];
    snprintf(msg, sizeof msg, "read_csv: cannot read '%s': %s", path.data, why);
    sb_free(&path);
    vm_error(vm, "%s", msg);
  }
  CsvReader r = {file->text, file->text + file->len, 1};
  StrBuf field;
  sb_init(&field);
  bool quoted;
  /* header */
  int cap = 16, n_cols = 0;
  ObjString **names = malloc(sizeof(ObjString *) * (size_t)cap);
  int end;
  do {
    end = csv_field(vm, path.data, &r, &field, &quoted);
    if (n_cols == cap) {
      cap *= 2;
      names = realloc(names, sizeof(ObjString *) * (size_t)cap);
    }
    if (field.len == 0) {
      free(names);
      vm_error(vm, "read_csv: %s:1: column %d of the header has no name", path.data, n_cols + 1);
    }
    names[n_cols++] = vm_intern(vm, field.data, field.len);
  } while (end == ',');
  r.line++;
  ObjShape *shape = obj_shape((uint32_t)n_cols);
  for (int i = 0; i < n_cols; i++) {
    for (int j = 0; j < i; j++)
      if (names[j] == names[i]) {
        char nm[128];
        snprintf(nm, sizeof nm, "%s", names[i]->chars);
        free(names);
        vm_error(vm, "read_csv: %s:1: column \"%s\" appears twice in the header", path.data, nm);
      }
    shape->keys[i] = names[i];
  }
  free(names);
  /* rows */
  size_t rows_cap = 64, n_rows = 0;
  /* rows live on the GC heap: they are the only reference to the records */
  Value *rows = GC_MALLOC(sizeof(Value) * rows_cap);
  while (r.p < r.end) {
    if (*r.p == '\n' || (*r.p == '\r' && r.p + 1 < r.end && r.p[1] == '\n')) { /* blank line */
      r.p += *r.p == '\r' ? 2 : 1;
      r.line++;
      continue;
    }
    ObjRecord *rec = obj_record(shape);
    int col = 0;
    do {
      end = csv_field(vm, path.data, &r, &field, &quoted);
      if (col >= n_cols) {
        vm_error(vm, "read_csv: %s:%d: this row has more fields than the header's %d", path.data, r.line, n_cols);
      }
      rec->vals[col++] = csv_value(vm, field.data, field.len, quoted);
    } while (end == ',');
    if (col < n_cols) {
      vm_error(vm, "read_csv: %s:%d: this row has %d field%s but the header has %d", path.data, r.line, col,
               col == 1 ? "" : "s", n_cols);
    }
    if (n_rows == rows_cap) {
      rows_cap *= 2;
      rows = GC_REALLOC(rows, sizeof(Value) * rows_cap);
    }
    rows[n_rows++] = val_obj(rec);
    r.line++;
  }
  ObjArray *out = obj_array_from(rows, (uint32_t)n_rows);
  sb_free(&field);
  sb_free(&path);
  return val_obj(out);
}

void stdlib_install_io(VM *vm) { vm_def_builtin(vm, "read_csv", b_read_csv, 1, 1); }
