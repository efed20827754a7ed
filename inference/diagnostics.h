/* diagnostics.h — convergence diagnostics for MCMC draws: split-R-hat and
 * bulk and tail effective sample sizes, with the rank-normalised
 * definitions of Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021),
 * "Rank-normalization, folding, and localization: an improved R-hat for
 * assessing convergence of MCMC", Bayesian Analysis 16(2), as computed by
 * the posterior R package.
 *
 * Draws of one scalar quantity are given as x[0..n) with chain[i] the
 * chain (0..n_chains) draw i belongs to; each chain's draws appear in the
 * order they were made. Chains of unequal length are cut to the shortest.
 * Every function returns NAN when the value is undefined (fewer than 4
 * draws per chain, or draws that are all equal).
 */
#ifndef PPL_DIAGNOSTICS_H
#define PPL_DIAGNOSTICS_H

#include <stdint.h>

/* max(split-R-hat of the rank-normalised draws, of the rank-normalised
 * folded draws |x - median|). Near 1 when the chains agree; above 1.01
 * means they have not mixed. */
double diag_rhat(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains);
/* The effective sample size of the rank-normalised split chains: how well
 * the centre of the distribution is estimated. */
double diag_ess_bulk(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains);
/* min of the ESS of the indicators x <= q5% and x <= q95%: how well the
 * tails (the 5% and 95% quantiles) are estimated. */
double diag_ess_tail(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains);
/* The ESS of the split chains themselves (no rank normalisation): the one
 * to divide the variance by for the standard error of the mean. */
double diag_ess_mean(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains);
/* sd(x) / sqrt(diag_ess_mean): the Monte Carlo standard error of the mean
 * (0 for constant draws). */
double diag_mcse_mean(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains);

/* What an MCMC method leaves in Posterior.diagnostics for summary: lines
 * printed under the table (acceptance rates per kernel, ...). */
typedef struct DiagNotes {
  const char *text; /* one or more lines, each ending in '\n' */
} DiagNotes;

#endif
