#include "table.h"

#include <gc/gc.h>
#include <string.h>

void table_init(Table *t) {
  t->entries = NULL;
  t->count = t->cap = 0;
}

static TableEntry *find_slot(TableEntry *entries, uint32_t cap, const ObjString *key) {
  uint32_t i = key->hash & (cap - 1);
  for (;;) {
    TableEntry *e = &entries[i];
    if (e->key == NULL || e->key == key) return e;
    i = (i + 1) & (cap - 1);
  }
}

bool table_get(const Table *t, const ObjString *key, Value *out) {
  if (t->count == 0) return false;
  TableEntry *e = find_slot(t->entries, t->cap, key);
  if (!e->key) return false;
  *out = e->value;
  return true;
}

/* Rehashes into cap slots (a power of two; GC_MALLOC clears them). */
static void resize(Table *t, uint32_t cap) {
  TableEntry *entries = GC_MALLOC(sizeof(TableEntry) * cap);
  for (uint32_t i = 0; i < t->cap; i++) {
    TableEntry *old = &t->entries[i];
    if (!old->key) continue;
    *find_slot(entries, cap, old->key) = *old;
  }
  t->entries = entries;
  t->cap = cap;
}

static void grow(Table *t) { resize(t, t->cap ? t->cap * 2 : 16); }

void table_reserve(Table *t, uint32_t n) {
  if (t->cap != 0) return;
  uint32_t cap = 4;
  while (n * 4 > cap * 3) cap *= 2;
  resize(t, cap);
}

bool table_set(Table *t, ObjString *key, Value value) {
  if ((t->count + 1) * 4 > t->cap * 3) grow(t);
  TableEntry *e = find_slot(t->entries, t->cap, key);
  bool is_new = e->key == NULL;
  if (is_new) t->count++;
  e->key = key;
  e->value = value;
  return is_new;
}

ObjString *table_find_string(const Table *t, const char *chars, size_t len, uint32_t hash) {
  if (t->count == 0) return NULL;
  uint32_t i = hash & (t->cap - 1);
  for (;;) {
    TableEntry *e = &t->entries[i];
    if (!e->key) return NULL;
    if (e->key->hash == hash && e->key->len == len && memcmp(e->key->chars, chars, len) == 0)
      return e->key;
    i = (i + 1) & (t->cap - 1);
  }
}
