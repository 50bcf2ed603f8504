"""C++ code generation from .proto files with the system protoc and grpc_cpp_plugin."""

def _outs(proto, with_grpc):
    base = proto[:-len(".proto")]
    outs = [base + ".pb.h", base + ".pb.cc"]
    if with_grpc:
        outs += [base + ".grpc.pb.h", base + ".grpc.pb.cc"]
    return outs

def _protoc_cmd(proto_root, out_dir, protos, with_grpc):
    cmd = "/usr/bin/protoc -I%s -I/usr/include --cpp_out=%s" % (proto_root, out_dir)
    if with_grpc:
        cmd += " --grpc_out=%s --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin" % out_dir
    return cmd + " " + " ".join(protos)

def cc_grpc_proto_library(name, srcs, deps = [], with_grpc = True):
    """Generates and compiles C++ (and gRPC) code for .proto files of this package.

    The package directory is the proto root, so sources are named by their import path
    (e.g. "tributary/v1/resolver.proto") and so are the generated headers.
    """
    pkg = native.package_name()
    outs = []
    for src in srcs:
        outs += _outs(src, with_grpc)
    native.genrule(
        name = name + "_gen",
        srcs = srcs,
        outs = outs,
        cmd = _protoc_cmd(
            pkg,
            "$(GENDIR)/" + pkg,
            [pkg + "/" + s for s in srcs],
            with_grpc,
        ),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = ["."],
        deps = deps + ["//bazel:grpc", "//bazel:protobuf"],
    )

def system_proto_library(name, proto, proto_root):
    """Message code (no services) for a .proto installed outside the workspace."""
    pkg = native.package_name()
    outs = _outs(proto, False)
    native.genrule(
        name = name + "_gen",
        outs = outs,
        cmd = _protoc_cmd(proto_root, "$(GENDIR)/" + pkg, [proto_root + "/" + proto], False),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = ["."],
        alwayslink = True,
        deps = ["//bazel:protobuf"],
    )
