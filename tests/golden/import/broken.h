#include <stdint.h>
struct broken { uint8_t a; uint99_t b; };
