/* recov_config.h - compile-time configuration of the recov runtime.
 *
 * Every macro here may be predefined by the build (-DNAME=value) before the
 * runtime and the generated code are compiled; both must see the same values.
 */
#ifndef RECOV_CONFIG_H
#define RECOV_CONFIG_H

/* RECOV_MAX_TEXT: the most bytes of a text fault field that classification
 * reads.  Text beyond it is ignored, so hostile or huge messages cost a
 * bounded, constant amount of work per byte.  Default 4096. */
#ifndef RECOV_MAX_TEXT
#define RECOV_MAX_TEXT 4096u
#endif

/* RECOV_PRNG_DEFAULT_SEED: the xorshift32 state used when P_init is given a
 * seed of 0 (xorshift32 must never hold 0).  Default 0x2545F491. */
#ifndef RECOV_PRNG_DEFAULT_SEED
#define RECOV_PRNG_DEFAULT_SEED 0x2545F491u
#endif

#endif
