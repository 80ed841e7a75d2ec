# tacc_native_static_libs(<out_var>): the system libraries a program linking libtacc.a needs, as
# rustc reports them (`--print native-static-libs`), in CMake's form (`-lm` -> `m`).
#
# Why not `cargo rustc --lib --crate-type staticlib -- --print native-static-libs`: the extra
# rustc argument changes the crate's fingerprint, so cargo recompiles tacc (minutes) and the next
# plain `cargo build` recompiles it again. Instead a one-line probe staticlib that links the tacc
# rlib cargo has just built goes to rustc itself: rustc reports the native libraries of the whole
# crate graph (std's and every dependency's, for the features built) and compiles nothing of tacc.
# That costs a few seconds, once: the result is cached, keyed by the rustc version and host,
# Cargo.lock and TACC_CARGO_FLAGS. Cross builds set TACC_NATIVE_STATIC_LIBS and skip all of it.
function(tacc_native_static_libs out_var)
  if(NOT TACC_NATIVE_STATIC_LIBS STREQUAL "")
    set(${out_var} "${TACC_NATIVE_STATIC_LIBS}" PARENT_SCOPE)
    return()
  endif()

  get_filename_component(_cargo_dir "${CARGO_EXECUTABLE}" DIRECTORY)
  find_program(RUSTC_EXECUTABLE rustc HINTS "${_cargo_dir}" REQUIRED)
  execute_process(COMMAND "${RUSTC_EXECUTABLE}" -vV OUTPUT_VARIABLE _rustc_vv RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "tacc: `rustc -vV` failed; set TACC_NATIVE_STATIC_LIBS by hand")
  endif()
  file(SHA256 "${PROJECT_SOURCE_DIR}/Cargo.lock" _lock_hash)
  string(SHA256 _key "${_rustc_vv}|${_lock_hash}|${TACC_CARGO_FLAGS}|${TACC_CARGO_TARGET_DIR}")
  if(_key STREQUAL "${_TACC_NATIVE_STATIC_LIBS_KEY}")
    set(${out_var} "${_TACC_NATIVE_STATIC_LIBS_FOUND}" PARENT_SCOPE)
    return()
  endif()

  # The build the first `cmake --build` would run anyway (a no-op when target/ is current): the
  # probe needs tacc's rlib and its dependencies' in target/release/deps.
  message(STATUS "tacc: cargo build --release --lib (for the static library's system libraries)")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env ${_TACC_CALLER_ENV} "CARGO_TARGET_DIR=${TACC_CARGO_TARGET_DIR}"
            "${CARGO_EXECUTABLE}" build --release --lib ${TACC_CARGO_FLAGS}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "tacc: cargo build failed")
  endif()

  set(_probe_dir "${CMAKE_CURRENT_BINARY_DIR}/native-static-libs-probe")
  file(MAKE_DIRECTORY "${_probe_dir}")
  file(WRITE "${_probe_dir}/probe.rs" "extern crate tacc;\n")
  execute_process(
    COMMAND "${RUSTC_EXECUTABLE}" --edition 2021 --crate-type staticlib --crate-name tacc_probe
            --print native-static-libs
            --extern "tacc=${TACC_CARGO_TARGET_DIR}/release/libtacc.rlib"
            -L "dependency=${TACC_CARGO_TARGET_DIR}/release/deps"
            -o "${_probe_dir}/libtacc_probe.a" "${_probe_dir}/probe.rs"
    RESULT_VARIABLE _rc ERROR_VARIABLE _rustc_err OUTPUT_VARIABLE _rustc_out)
  file(REMOVE_RECURSE "${_probe_dir}")  # the probe archive holds all of tacc: 100+ MB
  string(REGEX MATCH "native-static-libs: ([^\n]*)" _line "${_rustc_err}${_rustc_out}")
  if(NOT _rc EQUAL 0 OR _line STREQUAL "")
    message(FATAL_ERROR "tacc: rustc did not report the native static libraries "
      "(set TACC_NATIVE_STATIC_LIBS by hand):\n${_rustc_err}")
  endif()

  # `-lfoo` -> foo; `-framework X` (Apple) stays one item; anything else is kept as given.
  separate_arguments(_flags UNIX_COMMAND "${CMAKE_MATCH_1}")
  set(_libs)
  set(_framework OFF)
  foreach(f IN LISTS _flags)
    if(_framework)
      list(APPEND _libs "-framework ${f}")
      set(_framework OFF)
    elseif(f STREQUAL "-framework")
      set(_framework ON)
    elseif(f MATCHES "^-l(.+)$")
      list(APPEND _libs "${CMAKE_MATCH_1}")
    else()
      list(APPEND _libs "${f}")
    endif()
  endforeach()
  message(STATUS "tacc: libtacc.a needs: ${_libs} (rustc --print native-static-libs)")
  set(_TACC_NATIVE_STATIC_LIBS_KEY "${_key}" CACHE INTERNAL "")
  set(_TACC_NATIVE_STATIC_LIBS_FOUND "${_libs}" CACHE INTERNAL "")
  set(${out_var} "${_libs}" PARENT_SCOPE)
endfunction()
