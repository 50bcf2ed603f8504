"""The sources of a service/ package, for the layering check (//service:layering)."""

def layering_srcs():
    native.filegroup(
        name = "layering_srcs",
        srcs = native.glob([
            "**/*.h",
            "**/*.cc",
        ]),
        visibility = ["//service:__pkg__"],
    )
