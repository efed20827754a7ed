#include "evidence.h"

#include <math.h>
#include <string.h>

#include "vm/print.h"

void evidence_init(Evidence *e) { memset(e, 0, sizeof *e); }

void evidence_note(Evidence *e, const Run *r) {
  e->zero++;
  const RunNotes *notes = run_notes(r);
  if (!notes->zero_site) return;
  int i = 0;
  while (i < e->n && e->sites[i].site != notes->zero_site) i++;
  if (i == e->n) {
    if (e->n == EVIDENCE_SITES) return;
    e->n++;
    e->sites[i].site = notes->zero_site;
    e->sites[i].count = 0;
  }
  e->sites[i].count++;
  e->sites[i].dist = notes->zero_dist;
  e->sites[i].value = notes->zero_value;
}

void evidence_fail(VM *vm, const Evidence *e, const char *who, uint64_t runs) {
  const char *hint =
      "the evidence cannot happen under the model as written: check the observed data and the parameters "
      "(a probability of exactly 0 or 1, a value outside the support)";
  const ZeroSite *top = NULL;
  for (int i = 0; i < e->n; i++)
    if (!top || e->sites[i].count > top->count) top = &e->sites[i];
  if (!top)
    vm_error_hint(vm, hint, "%s: every one of the %llu runs of the model had zero probability", who,
                  (unsigned long long)runs);
  StrBuf note;
  sb_init(&note);
  const ObjSite *s = top->site;
  if (s->op == SITE_OBSERVE) {
    sb_printf(&note, "this observe ruled out %llu of the %llu runs; it saw ", (unsigned long long)top->count,
              (unsigned long long)runs);
    val_write(&note, top->value, true);
    sb_puts(&note, ", which has probability zero under ");
    val_write(&note, top->dist, true);
  } else if (s->op == SITE_CONDITION) {
    sb_printf(&note, "this condition was false in %llu of the %llu runs", (unsigned long long)top->count,
              (unsigned long long)runs);
  } else if (s->op == SITE_FACTOR) {
    sb_printf(&note, "this factor gave weight -inf in %llu of the %llu runs", (unsigned long long)top->count,
              (unsigned long long)runs);
  } else {
    sb_printf(&note, "this choice's value had probability zero in %llu of the %llu runs",
              (unsigned long long)top->count, (unsigned long long)runs);
  }
  char msg[1024];
  snprintf(msg, sizeof msg, "%s", note.data);
  sb_free(&note);
  vm_error_note(vm, s->src, s->span, msg, hint, "%s: every one of the %llu runs of the model had zero probability",
                who, (unsigned long long)runs);
}
