#!/usr/bin/env bash
# files.sh - every .recov file of the source tree (run from its top), sorted;
# build folders and .git left out.
find . \( -name '.git' -o -name 'build*' \) -prune -o -name '*.recov' -print | sed 's|^\./||' | LC_ALL=C sort
