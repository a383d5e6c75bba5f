# Sanitizer builds (RELIABILITY.md, "Sanitizers" and "Fuzzing").
#
# TIMELINE_SANITIZE lists the sanitizers every target is built with: our libraries, the generated
# protobuf code, the tests and the executables. The flags are added here, before any target is
# defined, so no target can be left out by forgetting it. The system libraries (RocksDB,
# librdkafka, protobuf) stay uninstrumented: Debian ships them that way.
#   address;undefined  ASan + UBSan; any undefined behaviour aborts the test (no recovery), so a
#                      finding cannot scroll by in a passing run
#   thread             TSan (alone: it cannot be combined with ASan)
# TIMELINE_FUZZ adds libFuzzer's coverage instrumentation to every target and builds the fuzz
# targets of tests/fuzz/ (clang only).
set(TIMELINE_SANITIZE "" CACHE STRING "Sanitizers for every target: empty, 'address;undefined', 'address', 'undefined' or 'thread'")
option(TIMELINE_FUZZ "Build the libFuzzer targets of tests/fuzz/ (clang)" OFF)

set(timeline_known_sanitizers address undefined thread)
foreach(sanitizer IN LISTS TIMELINE_SANITIZE)
  if(NOT sanitizer IN_LIST timeline_known_sanitizers)
    message(FATAL_ERROR "TIMELINE_SANITIZE: unknown sanitizer '${sanitizer}' (known: ${timeline_known_sanitizers})")
  endif()
endforeach()
if("thread" IN_LIST TIMELINE_SANITIZE AND "address" IN_LIST TIMELINE_SANITIZE)
  message(FATAL_ERROR "TIMELINE_SANITIZE: thread and address cannot be combined; build them apart")
endif()
if(TIMELINE_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "TIMELINE_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()

if(TIMELINE_SANITIZE)
  list(JOIN TIMELINE_SANITIZE "," timeline_sanitizer_list)
  # Frame pointers give the sanitizers' reports whole stacks at no cost worth measuring here.
  add_compile_options(-fsanitize=${timeline_sanitizer_list} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${timeline_sanitizer_list})
  if("undefined" IN_LIST TIMELINE_SANITIZE)
    add_compile_options(-fno-sanitize-recover=undefined)
    add_link_options(-fno-sanitize-recover=undefined)
  endif()
endif()

if(TIMELINE_FUZZ)
  # Coverage feedback in every library the fuzz targets call; only the targets themselves link
  # libFuzzer's main (tests/fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
