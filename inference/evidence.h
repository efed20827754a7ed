/* evidence.h — explaining impossible evidence. When every run of a model
 * has zero weight, inference stops with an error that names the observe,
 * condition or factor that ruled out most runs and the value it saw,
 * instead of returning nan or an empty distribution. */
#ifndef PPL_EVIDENCE_H
#define PPL_EVIDENCE_H

#include <stdint.h>

#include "run.h"

#define EVIDENCE_SITES 32

typedef struct ZeroSite {
  const ObjSite *site;
  uint64_t count;
  Value dist, value; /* the last ruled-out event seen here */
} ZeroSite;

typedef struct Evidence {
  ZeroSite sites[EVIDENCE_SITES];
  int n;
  uint64_t zero; /* runs with zero weight */
} Evidence;

void evidence_init(Evidence *e);
/* Records a run whose weight was zero. */
void evidence_note(Evidence *e, const Run *r);
/* Raises the error for `who` ("importance") after `runs` runs all had zero
 * weight (or, for rejection, none was accepted). */
_Noreturn void evidence_fail(VM *vm, const Evidence *e, const char *who, uint64_t runs);

#endif
