/* a header that pulls in a device: clang would read it forever */
#include "/dev/zero"
