/* table.h — an open-addressing hash map from interned strings to values.
 * Keys are compared by pointer, so they must come from vm_intern(). Used for
 * the intern set itself (keyed by content), global names and traces. */
#ifndef PPL_TABLE_H
#define PPL_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "object.h"

typedef struct TableEntry {
  ObjString *key; /* NULL: empty */
  Value value;
} TableEntry;

typedef struct Table {
  TableEntry *entries;
  uint32_t count, cap; /* cap is 0 or a power of two */
} Table;

void table_init(Table *t);
bool table_get(const Table *t, const ObjString *key, Value *out);
/* Makes room for n entries in a table that has no room yet (a table that
 * has is left alone); without it the first entry makes room for 12. */
void table_reserve(Table *t, uint32_t n);
/* Returns true when the key was new. */
bool table_set(Table *t, ObjString *key, Value value);
/* Finds a string with these characters (for interning), or NULL. */
ObjString *table_find_string(const Table *t, const char *chars, size_t len, uint32_t hash);

#endif
