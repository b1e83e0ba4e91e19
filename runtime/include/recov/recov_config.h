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

/* RECOV_NOINLINE: marks the one helper that generated code calls from every
 * decision (P__dec, which fills a recov_decision) so that the compiler keeps
 * it out of line: inlined at each of its call sites it costs agent_call
 * 176 B on Cortex-M4 (bench/embedded).  GCC also gets `noclone`, so that
 * no specialised copy passes the incident's fields in more registers than
 * the call has (a stack argument grows P__run's frame).  Define it empty
 * to let the compiler choose; it changes no behaviour. */
#ifndef RECOV_NOINLINE
#if defined(__clang__)
#define RECOV_NOINLINE __attribute__((noinline))
#elif defined(__GNUC__)
#define RECOV_NOINLINE __attribute__((noinline, noclone))
#else
#define RECOV_NOINLINE
#endif
#endif

#endif
