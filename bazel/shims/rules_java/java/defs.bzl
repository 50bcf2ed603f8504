"""Re-exports the native Java rules under @rules_java's names (offline shim).

Nothing here builds Java; @bazel_tools loads these names while registering toolchains.
"""

java_binary = native.java_binary
java_import = native.java_import
java_library = native.java_library
java_runtime = native.java_runtime
java_toolchain = native.java_toolchain
