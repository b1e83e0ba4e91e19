# RecovPolicy.cmake - compile .recov policies as part of a CMake build.
#
#   recov_add_policy(<target> <policy.recov>
#                    [IMPORT_DIRS dir...]     # -I for `import "x.h";` (and added to the target's includes)
#                    [DEFINES NAME[=V]...]    # -D for clang when it reads the imports
#                    [OUTPUT_DIR dir]         # default ${CMAKE_CURRENT_BINARY_DIR}/recov/<policy>
#                    [RUNTIME target|NONE]    # the runtime to link (default recov::runtime)
#                    [RECOVC_ARGS args...])   # more recovc options (-Wno-..., --target ...)
#
# Generates <policy>.c and <policy>.h with `recovc compile`, adds them to the
# target, puts OUTPUT_DIR and IMPORT_DIRS on its include path and links the
# recov runtime (RUNTIME NONE: links nothing, for a build that compiles the
# runtime into the target some other way, e.g. a Zephyr module).  recovc
# writes a depfile (-MD), so an edit to the policy or to any header it
# imports regenerates the code (Ninja and Makefiles); an unchanged
# regeneration leaves the outputs untouched.
#
#   recov_add_runtime(<name> [SOURCE_DIR dir])
#
# Adds a static library <name> built from the runtime's sources with this
# project's compiler and flags (a cross toolchain for firmware), with the
# runtime headers on its public include path.  SOURCE_DIR defaults to the
# installed sources (RECOV_RUNTIME_SOURCE_DIR) after find_package(recov), to
# recov's runtime/ when recov is built from source in the same build.
#
# With RECOV_LINT=ON every policy is also checked with `recovc check
# ${RECOV_LINT_FLAGS}` (default -Werror) as part of the build.
#
# In a cross build, recovc reads imported headers for the target, so that
# type sizes are the firmware's: clang gets --target RECOV_IMPORT_TARGET (a
# cache variable; default CMAKE_C_COMPILER_TARGET, else what a GNU cross
# compiler prints for -dumpmachine, e.g. arm-none-eabi; empty: the build
# machine's) and --sysroot CMAKE_SYSROOT when set, unless RECOVC_ARGS names
# its own --target.
#
# recovc is the `recovc` target when building recov itself, the imported
# recov::recovc after find_package(recov), or RECOVC_EXECUTABLE.  It runs on
# the build machine; in a cross build only the runtime is compiled for the
# target.
include_guard(GLOBAL)

option(RECOV_LINT "Check recov policies with `recovc check` during the build" OFF)
set(RECOV_LINT_FLAGS "-Werror" CACHE STRING "recovc check options used when RECOV_LINT is ON")

function(recov_add_runtime name)
  cmake_parse_arguments(RR "" "SOURCE_DIR" "" ${ARGN})
  if(RR_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "recov_add_runtime: unknown arguments: ${RR_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT RR_SOURCE_DIR AND RECOV_RUNTIME_SOURCE_DIR)
    set(RR_SOURCE_DIR ${RECOV_RUNTIME_SOURCE_DIR})     # installed: set by recovConfig.cmake
  elseif(NOT RR_SOURCE_DIR)
    set(RR_SOURCE_DIR ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../runtime)  # recov's source tree (add_subdirectory)
  endif()
  if(NOT EXISTS "${RR_SOURCE_DIR}/src/recov.c")
    message(FATAL_ERROR "recov_add_runtime: no runtime sources in '${RR_SOURCE_DIR}' (find_package(recov) or SOURCE_DIR)")
  endif()
  add_library(${name} STATIC ${RR_SOURCE_DIR}/src/recov.c ${RR_SOURCE_DIR}/src/recov_dfa.c)
  target_include_directories(${name} PUBLIC ${RR_SOURCE_DIR}/include)
  set_target_properties(${name} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
endfunction()

function(recov_add_policy target policy)
  cmake_parse_arguments(RP "" "OUTPUT_DIR;RUNTIME" "IMPORT_DIRS;DEFINES;RECOVC_ARGS" ${ARGN})
  if(RP_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "recov_add_policy: unknown arguments: ${RP_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(src ${policy} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT EXISTS ${src})
    message(FATAL_ERROR "recov_add_policy: no policy file '${src}'")
  endif()
  # the output names come from the `policy NAME` line
  file(STRINGS ${src} head REGEX "^[ \t]*policy[ \t]+[A-Za-z_][A-Za-z0-9_]*" LIMIT_COUNT 1)
  string(REGEX REPLACE "^[ \t]*policy[ \t]+([A-Za-z_][A-Za-z0-9_]*).*" "\\1" name "${head}")
  if(NOT name)
    message(FATAL_ERROR "recov_add_policy: '${src}' has no `policy NAME version N;` line")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${src})

  if(RP_OUTPUT_DIR)
    get_filename_component(out ${RP_OUTPUT_DIR} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
  else()
    set(out ${CMAKE_CURRENT_BINARY_DIR}/recov/${name})
  endif()
  file(MAKE_DIRECTORY ${out})

  if(TARGET recovc)
    set(recovc $<TARGET_FILE:recovc>)
    set(recovc_dep recovc)
  elseif(TARGET recov::recovc)
    set(recovc $<TARGET_FILE:recov::recovc>)
    set(recovc_dep recov::recovc)
  elseif(RECOVC_EXECUTABLE)
    set(recovc ${RECOVC_EXECUTABLE})
    set(recovc_dep ${RECOVC_EXECUTABLE})
  else()
    message(FATAL_ERROR "recov_add_policy: no recovc (find_package(recov) or set RECOVC_EXECUTABLE)")
  endif()

  set(args)
  set(incs)
  foreach(d ${RP_IMPORT_DIRS})
    get_filename_component(d ${d} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND args -I ${d})
    list(APPEND incs ${d})
  endforeach()
  foreach(d ${RP_DEFINES})
    list(APPEND args -D ${d})
  endforeach()
  if(CMAKE_CROSSCOMPILING AND NOT DEFINED RECOV_IMPORT_TARGET)
    set(triple "${CMAKE_C_COMPILER_TARGET}")
    if(NOT triple AND CMAKE_C_COMPILER_ID STREQUAL "GNU")
      execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpmachine OUTPUT_VARIABLE triple
        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    set(RECOV_IMPORT_TARGET "${triple}" CACHE STRING
      "--target for clang when recovc reads imported C headers (empty: the build machine's)")
  endif()
  if(RECOV_IMPORT_TARGET AND NOT "--target" IN_LIST RP_RECOVC_ARGS)
    list(APPEND args --target ${RECOV_IMPORT_TARGET})
    if(CMAKE_SYSROOT AND NOT "--sysroot" IN_LIST RP_RECOVC_ARGS)
      list(APPEND args --sysroot ${CMAKE_SYSROOT})
    endif()
  endif()
  list(APPEND args ${RP_RECOVC_ARGS})

  if(RP_RUNTIME STREQUAL "NONE")
    set(runtime)
  elseif(RP_RUNTIME)
    set(runtime ${RP_RUNTIME})
  else()
    set(runtime $<IF:$<TARGET_EXISTS:recov::runtime>,recov::runtime,recov>)
  endif()

  # a policy used by several targets of one directory is generated once
  get_property(done GLOBAL PROPERTY RECOV_POLICY_OUTPUTS)
  list(FIND done ${out}/${name}.c seen)
  if(NOT seen EQUAL -1)
    target_sources(${target} PRIVATE ${out}/${name}.c ${out}/${name}.h)
    target_include_directories(${target} PRIVATE ${out} ${incs})
    target_link_libraries(${target} PRIVATE ${runtime})
    return()
  endif()
  set_property(GLOBAL APPEND PROPERTY RECOV_POLICY_OUTPUTS ${out}/${name}.c)

  add_custom_command(
    OUTPUT ${out}/${name}.c ${out}/${name}.h
    COMMAND ${recovc} compile ${src} -o ${out} -MD -MF ${out}/${name}.d ${args}
    DEPENDS ${src} ${recovc_dep}
    DEPFILE ${out}/${name}.d
    COMMENT "recovc: ${policy}"
    VERBATIM)
  set(srcs ${out}/${name}.c ${out}/${name}.h)

  if(RECOV_LINT)
    separate_arguments(lint_flags UNIX_COMMAND "${RECOV_LINT_FLAGS}")
    add_custom_command(
      OUTPUT ${out}/${name}.lint
      COMMAND ${recovc} check ${src} ${args} ${lint_flags}
      COMMAND ${CMAKE_COMMAND} -E touch ${out}/${name}.lint
      DEPENDS ${src} ${recovc_dep} ${out}/${name}.c
      COMMENT "recovc check: ${policy}"
      VERBATIM)
    list(APPEND srcs ${out}/${name}.lint)
  endif()

  target_sources(${target} PRIVATE ${srcs})
  target_include_directories(${target} PRIVATE ${out} ${incs})
  target_link_libraries(${target} PRIVATE ${runtime})
endfunction()
