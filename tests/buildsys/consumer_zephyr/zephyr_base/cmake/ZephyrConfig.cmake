# A stand-in for Zephyr's build system, just enough of it to load a module
# the way Zephyr does (no Zephyr download): find_package(Zephyr) sets the
# toolchain (here the Cortex-M4 file of consumer_cross), reads prj.conf's
# CONFIG_*=y, creates the `app` library and zephyr_interface, provides
# zephyr_library_named / zephyr_library_sources / zephyr_include_directories,
# runs each module of ZEPHYR_EXTRA_MODULES through the `build: cmake:`
# folder of its zephyr/module.yml, and at the end links app and every
# Zephyr library into zephyr.elf.
set(CMAKE_TOOLCHAIN_FILE ${CMAKE_CURRENT_LIST_DIR}/../../../consumer_cross/arm-none-eabi.cmake)
project(Zephyr-Kernel C)
set(APPLICATION_SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR})

file(STRINGS ${APPLICATION_SOURCE_DIR}/prj.conf conf REGEX "^CONFIG_[A-Z0-9_]+=y$")
foreach(line ${conf})
  string(REGEX REPLACE "=y$" "" name "${line}")
  set(${name} y)
endforeach()

add_library(zephyr_interface INTERFACE)
add_library(app STATIC)
target_link_libraries(app PUBLIC zephyr_interface)

function(zephyr_include_directories)
  target_include_directories(zephyr_interface INTERFACE ${ARGN})
endfunction()
macro(zephyr_library_named name)
  set(ZEPHYR_CURRENT_LIBRARY ${name})
  add_library(${name} STATIC)
  target_link_libraries(${name} PUBLIC zephyr_interface)
  set_property(GLOBAL APPEND PROPERTY ZEPHYR_LIBS ${name})
endmacro()
function(zephyr_library_sources)
  target_sources(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()

foreach(module ${ZEPHYR_EXTRA_MODULES})
  file(STRINGS ${module}/zephyr/module.yml yml)
  string(REGEX MATCH "name: *([A-Za-z0-9_-]+)" _ "${yml}")
  set(mod_name ${CMAKE_MATCH_1})
  string(REGEX MATCH "cmake: *([A-Za-z0-9_./-]+)" _ "${yml}")
  set(ZEPHYR_CURRENT_MODULE_DIR ${module})
  add_subdirectory(${module}/${CMAKE_MATCH_1} modules/${mod_name})
endforeach()

function(zephyr_final_link)
  get_property(libs GLOBAL PROPERTY ZEPHYR_LIBS)
  file(WRITE ${CMAKE_BINARY_DIR}/empty.c "")
  add_executable(zephyr.elf ${CMAKE_BINARY_DIR}/empty.c)
  target_link_libraries(zephyr.elf PRIVATE app ${libs})
  target_link_options(zephyr.elf PRIVATE -Wl,--entry=main -Wl,-u,main -lgcc)
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL zephyr_final_link)
set(Zephyr_FOUND TRUE)
