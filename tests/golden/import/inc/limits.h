/* macros clang would evaluate with a wrapped or undefined value */
#define BIG_LITERAL 0x7fffffffffffffffff
#define SHIFT_PAST (1 << 70)
#define WIDE 4294967296
#define INT_WRAP (2147483647 + 1)
#define DIV_ZERO (1 / 0)
#define TEXT "not a number"
#define ALL_ONES 0xFFFFFFFFu
#define HUGE_U 0xFFFFFFFFFFFFFFFFull
#define NEG (-5)
