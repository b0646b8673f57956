# Sourced by scripts/test_sanitize.sh (and handy by hand:
# `source scripts/sanitizer/env.sh "$PWD"` before running a sanitized binary).
# halt_on_error/abort_on_error: the first report ends the process non-zero so
# the test fails. detect_leaks: LeakSanitizer stays on for amct's own code.
ROOT_FOR_SANITIZERS="${1:-$(pwd)}"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=${ROOT_FOR_SANITIZERS}/scripts/sanitizer/lsan.supp:print_suppressions=0"
