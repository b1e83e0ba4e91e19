# run_golden.cmake - run one golden test.
#
#   cmake -DRECOVC=path/to/recovc -DGOLDEN=file.golden -P run_golden.cmake
#
# A golden file's first line is the command line, starting with `recovc`, run
# in the golden file's own folder.  The rest is the expected combined
# stdout+stderr, followed by a last line `[exit N]`.  With the environment
# variable RECOV_UPDATE_GOLDEN=1 the file is rewritten with the actual output.
# The folder's absolute path in a file:// URI is written file://<DIR>/.
file(READ ${GOLDEN} content)
string(FIND "${content}" "\n" nl)
string(SUBSTRING "${content}" 0 ${nl} cmdline)
math(EXPR rest_start "${nl} + 1")
string(SUBSTRING "${content}" ${rest_start} -1 expected)
if(NOT cmdline MATCHES "^recovc( |$)")
  message(FATAL_ERROR "${GOLDEN}: first line must start with `recovc`: ${cmdline}")
endif()
string(REGEX REPLACE "^recovc" "" args "${cmdline}")
separate_arguments(args UNIX_COMMAND "${args}")
get_filename_component(dir ${GOLDEN} DIRECTORY)
execute_process(COMMAND ${RECOVC} ${args}
  WORKING_DIRECTORY ${dir}
  OUTPUT_VARIABLE out ERROR_VARIABLE out
  RESULT_VARIABLE rc)
# SARIF's %SRCROOT% is the working directory as a file:// URI: shown as
# file://<DIR>/ so the golden does not depend on where the tree is.
string(REPLACE "file://${dir}/" "file://<DIR>/" out "${out}")
set(actual "${out}[exit ${rc}]\n")
if(DEFINED ENV{RECOV_UPDATE_GOLDEN})
  file(WRITE ${GOLDEN} "${cmdline}\n${actual}")
  return()
endif()
if(NOT actual STREQUAL expected)
  file(WRITE ${GOLDEN}.actual "${cmdline}\n${actual}")
  execute_process(COMMAND diff -u ${GOLDEN} ${GOLDEN}.actual)
  message(FATAL_ERROR "golden mismatch: ${GOLDEN} (actual output in ${GOLDEN}.actual)")
endif()
