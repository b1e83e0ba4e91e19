#!/usr/bin/env bash
# files.sh - every .recov file of the source tree (run from its top), sorted;
# the top-level build folders and .git left out.
find . \( -path './.git' -o -path './build*' \) -prune -o -name '*.recov' -print | sed 's|^\./||' | LC_ALL=C sort
