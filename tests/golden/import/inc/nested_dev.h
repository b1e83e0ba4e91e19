#include "devzero.h"
