# harnesses.cmake - the fuzz harnesses, built either for libFuzzer (MODE FUZZ,
# tests/fuzz/CMakeLists.txt) or with replay.c as main (MODE REPLAY, a plain
# build: tests/reliability/CMakeLists.txt replays tests/fuzz/regressions/).
#   rc_fuzz_harnesses(MODE PREFIX) defines the targets ${PREFIX}<harness> and
#   sets RC_FUZZ_HARNESSES in the caller to the harness names.
set(RC_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

# name: harness name; policy: .recov path; fields: FIELDS header
function(rc_fuzz_gen_policy out_c out_dir policy)
  get_filename_component(pn ${policy} NAME_WE)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/gen-${pn}${ARGN})   # ARGN: optional dir suffix
  add_custom_command(OUTPUT ${dir}/${pn}.c ${dir}/${pn}.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND recovc compile -Wno-error=deadline-never ${policy} -o ${dir}
    DEPENDS recovc ${policy} VERBATIM)
  set(${out_c} ${dir}/${pn}.c PARENT_SCOPE)
  set(${out_dir} ${dir} PARENT_SCOPE)
endfunction()

function(rc_fuzz_target mode tgt)
  if(mode STREQUAL "FUZZ")
    add_executable(${tgt} ${ARGN})
    target_link_options(${tgt} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${tgt} ${ARGN} ${RC_FUZZ_DIR}/replay.c)
    set_target_properties(${tgt} PROPERTIES C_STANDARD 11)
    target_compile_options(${tgt} PRIVATE ${RECOV_WARN})
  endif()
endfunction()

function(rc_fuzz_harnesses mode prefix)
  set(names fuzz_frontend fuzz_dfa)
  rc_fuzz_target(${mode} ${prefix}fuzz_frontend ${RC_FUZZ_DIR}/fuzz_frontend.c)
  target_link_libraries(${prefix}fuzz_frontend PRIVATE rccore)
  rc_fuzz_target(${mode} ${prefix}fuzz_dfa ${RC_FUZZ_DIR}/fuzz_dfa.c ${RC_FUZZ_DIR}/../common/regex_ref.c
                 ${RC_FUZZ_DIR}/../common/dfa_rt.c)
  target_include_directories(${prefix}fuzz_dfa PRIVATE ${RC_FUZZ_DIR}/../common)
  target_link_libraries(${prefix}fuzz_dfa PRIVATE rccore)
  rc_fuzz_target(${mode} ${prefix}fuzz_lsp ${RC_FUZZ_DIR}/fuzz_lsp.c)
  target_link_libraries(${prefix}fuzz_lsp PRIVATE rccore)
  list(APPEND names fuzz_lsp)

  # P_load of agent_call
  rc_fuzz_gen_policy(ac_c ac_dir ${PROJECT_SOURCE_DIR}/examples/agent_call/agent_call.recov)
  rc_fuzz_target(${mode} ${prefix}fuzz_load_agent_call ${RC_FUZZ_DIR}/fuzz_load.c ${ac_c})
  target_include_directories(${prefix}fuzz_load_agent_call PRIVATE ${ac_dir})
  target_compile_definitions(${prefix}fuzz_load_agent_call PRIVATE P=agent_call PH="agent_call.h")
  target_link_libraries(${prefix}fuzz_load_agent_call PRIVATE recov)
  list(APPEND names fuzz_load_agent_call)

  # generated P_failed/P_admit/... against the simulator
  foreach(spec "agent_call;${PROJECT_SOURCE_DIR}/examples/agent_call/agent_call.recov"
               "ops;${PROJECT_SOURCE_DIR}/tests/e2e/policies/ops.recov"
               "flow;${PROJECT_SOURCE_DIR}/tests/e2e/policies/flow.recov"
               "server;${PROJECT_SOURCE_DIR}/tests/e2e/policies/server.recov")
    list(GET spec 0 pn)
    list(GET spec 1 src)
    rc_fuzz_gen_policy(pc pdir ${src})
    set(t ${prefix}fuzz_policy_${pn})
    rc_fuzz_target(${mode} ${t} ${RC_FUZZ_DIR}/fuzz_policy.c ${pc})
    target_include_directories(${t} PRIVATE ${pdir} ${RC_FUZZ_DIR})
    target_compile_definitions(${t} PRIVATE P=${pn} PH="${pn}.h" FIELDS_H="${pn}.fields.h"
      POLICY_PATH="${src}" RC_REPLAY_INIT)
    target_link_libraries(${t} PRIVATE rccore)
    list(APPEND names fuzz_policy_${pn})
  endforeach()
  set(RC_FUZZ_HARNESSES ${names} PARENT_SCOPE)
endfunction()
